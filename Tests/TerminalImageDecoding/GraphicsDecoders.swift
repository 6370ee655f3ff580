import Foundation
import ImageFiles

/// Readers of what the painter's image encoders emit, written from the protocols' descriptions, so tests can turn
/// the bytes back into pixels and compare them with the picture (unit tests of the encoders and the end-to-end
/// tests of the painter in tmux both use them).
public enum GraphicsDecoders {
    public struct Malformed: Error, CustomStringConvertible { public let description: String }

    /// The bytes with every tmux passthrough envelope opened (`ESC P tmux;` ... `ESC \`, ESC ESC inside is ESC);
    /// bytes outside envelopes pass unchanged.
    public static func unwrapTmux(_ bytes: [UInt8]) throws -> [UInt8] {
        let opener = Array("\u{1B}Ptmux;".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard index + opener.count <= bytes.count, Array(bytes[index ..< index + opener.count]) == opener else {
                out.append(bytes[index])
                index += 1
                continue
            }
            index += opener.count
            while true {
                guard index + 1 < bytes.count else { throw Malformed(description: "a tmux envelope without its end") }
                if bytes[index] == 0x1B {
                    if bytes[index + 1] == 0x1B {
                        out.append(0x1B)
                        index += 2
                        continue
                    }
                    guard bytes[index + 1] == 0x5C else {
                        throw Malformed(description: "a single ESC inside a tmux envelope")
                    }
                    index += 2
                    break
                }
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    /// The pictures in a stream of kitty APC sequences (`ESC _G keys;payload ESC \`), by image id, with each
    /// transmission's keys; chunks (`m=1`) are joined. Only raw RGB (`f=24`) is read, the format the encoder uses.
    public static func kitty(_ bytes: [UInt8]) throws -> [(keys: [String: String], image: PNGImage)] {
        var results: [(keys: [String: String], image: PNGImage)] = []
        var pending: (keys: [String: String], payload: [UInt8])?
        var index = 0
        let start = Array("\u{1B}_G".utf8)
        while index < bytes.count {
            guard index + 3 <= bytes.count, Array(bytes[index ..< index + 3]) == start else {
                index += 1
                continue
            }
            guard let end = (index + 3 ..< bytes.count - 1).first(where: { bytes[$0] == 0x1B && bytes[$0 + 1] == 0x5C })
            else {
                throw Malformed(description: "an APC sequence without ESC \\")
            }
            let body = bytes[index + 3 ..< end]
            let semicolon = body.firstIndex(of: UInt8(ascii: ";")) ?? end
            var keys: [String: String] = [:]
            for pair in String(decoding: body[body.startIndex ..< semicolon], as: UTF8.self).split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { throw Malformed(description: "kitty key without value: \(pair)") }
                keys[String(parts[0])] = String(parts[1])
            }
            let payload = semicolon < end ? Array(body[(semicolon + 1)...]) : []
            index = end + 2
            if keys["a"] == "d" { continue }
            if var open = pending {
                open.payload += payload
                pending = open
            } else {
                pending = (keys, payload)
            }
            guard keys["m"] != "1", let done = pending else { continue }
            pending = nil
            guard done.keys["f"] == "24", let width = Int(done.keys["s"] ?? ""), let height = Int(done.keys["v"] ?? "")
            else {
                throw Malformed(description: "a kitty transmission without f=24, s and v: \(done.keys)")
            }
            guard let data = Data(base64Encoded: Data(done.payload)), data.count == width * height * 3 else {
                throw Malformed(description: "kitty payload is not base64 of \(width)x\(height) RGB")
            }
            results.append((done.keys, PNGImage(width: width, height: height, pixels: Array(data))))
        }
        if pending != nil { throw Malformed(description: "a chunked kitty transmission without m=0") }
        return results
    }

    /// The pixels a sixel sequence paints (`ESC P ... q` to `ESC \`), over the raster size it declares; pixels
    /// it never sets are nil.
    public static func sixel(_ bytes: [UInt8]) throws -> (width: Int, height: Int, pixels: [RGBColor?]) {
        guard let q = bytes.firstIndex(of: UInt8(ascii: "q")), bytes.starts(with: [0x1B, 0x50]),
            bytes.suffix(2) == [0x1B, 0x5C]
        else { throw Malformed(description: "not a DCS sixel sequence") }
        let body = Array(bytes[(q + 1) ..< (bytes.count - 2)])
        var index = 0
        func number() -> Int {
            var value = 0
            while index < body.count, (48 ... 57).contains(body[index]) {
                value = value * 10 + Int(body[index] - 48)
                index += 1
            }
            return value
        }
        func numbers() -> [Int] {
            var values = [number()]
            while index < body.count && body[index] == UInt8(ascii: ";") {
                index += 1
                values.append(number())
            }
            return values
        }
        guard body.first == UInt8(ascii: "\"") else { throw Malformed(description: "no raster attributes") }
        index = 1
        let raster = numbers()
        guard raster.count == 4 else { throw Malformed(description: "raster attributes \(raster)") }
        let width = raster[2]
        let height = raster[3]
        var pixels = [RGBColor?](repeating: nil, count: width * height)
        var palette: [Int: RGBColor] = [:]
        var color = 0
        var x = 0
        var top = 0
        func paint(_ character: UInt8, times: Int) throws {
            guard (63 ... 126).contains(character) else {
                throw Malformed(description: "byte \(character) in sixel data")
            }
            for _ in 0 ..< times {
                let bits = character - 63
                for bit in 0 ..< 6 where bits >> bit & 1 == 1 {
                    let y = top + bit
                    guard x < width, y < height else {
                        throw Malformed(description: "a sixel outside \(width)x\(height)")
                    }
                    guard let entry = palette[color] else {
                        throw Malformed(description: "colour \(color) used before it is defined")
                    }
                    pixels[y * width + x] = entry
                }
                x += 1
            }
        }
        func byte(_ percent: Int) -> UInt8 { UInt8((percent * 255 + 50) / 100) }
        while index < body.count {
            let character = body[index]
            index += 1
            switch character {
            case UInt8(ascii: "#"):
                let values = numbers()
                color = values[0]
                if values.count == 5 {
                    guard values[1] == 2 else { throw Malformed(description: "colour space \(values[1])") }
                    palette[color] = RGBColor(byte(values[2]), byte(values[3]), byte(values[4]))
                }
            case UInt8(ascii: "!"):
                let count = number()
                let repeated = body[index]
                index += 1
                try paint(repeated, times: count)
            case UInt8(ascii: "$"): x = 0
            case UInt8(ascii: "-"):
                x = 0
                top += 6
            default: try paint(character, times: 1)
            }
        }
        return (width, height, pixels)
    }

    /// The PNG an iTerm2 inline image carries, read by the project's PNG reader, and its keys.
    public static func iTerm2(_ bytes: [UInt8]) throws -> (keys: [String: String], image: PNGImage) {
        let head = Array("\u{1B}]1337;File=".utf8)
        guard bytes.starts(with: head), bytes.last == 0x07, let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
            throw Malformed(description: "not an OSC 1337 File sequence ending in BEL")
        }
        var keys: [String: String] = [:]
        for pair in String(decoding: bytes[head.count ..< colon], as: UTF8.self).split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            keys[String(parts[0])] = parts.count == 2 ? String(parts[1]) : ""
        }
        guard let png = Data(base64Encoded: Data(bytes[(colon + 1) ..< (bytes.count - 1)])) else {
            throw Malformed(description: "iTerm2 payload is not base64")
        }
        guard keys["size"] == String(png.count) else {
            throw Malformed(description: "size=\(keys["size"] ?? "") for \(png.count) bytes")
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("iterm2-\(UUID().uuidString).png")
        try png.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return (keys, try PNGImage.read(url))
    }
}
