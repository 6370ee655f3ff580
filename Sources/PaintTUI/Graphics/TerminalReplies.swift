/// What a terminal answered to `TerminalGraphics`' queries, read from the raw bytes of its replies: XTVERSION
/// (`DCS > | name ST`), DA1 (`CSI ? attributes c`, 4 = sixel), the cell and window size in pixels
/// (`CSI 6 ; h ; w t`, `CSI 4 ; h ; w t`), kitty's answer to a graphics query (`APC G i=...;OK ST`) and the
/// cursor report (`CSI row ; column R`) that comes last and so ends the wait.
public struct TerminalReplies: Sendable, Equatable {
    public var version: String?
    public var attributes: [Int]?
    public var cellPixels: (width: Int, height: Int)?
    public var windowPixels: (width: Int, height: Int)?
    public var kittyGraphics = false
    public var cursorReport = false

    public init() {}

    public init(parsing bytes: [UInt8]) {
        var index = 0
        func terminated(from start: Int) -> (body: [UInt8], next: Int)? {
            // ST is ESC \ (BEL also ends a string in practice).
            var end = start
            while end < bytes.count {
                if bytes[end] == 0x07 { return (Array(bytes[start ..< end]), end + 1) }
                if bytes[end] == 0x1B, end + 1 < bytes.count, bytes[end + 1] == 0x5C {
                    return (Array(bytes[start ..< end]), end + 2)
                }
                end += 1
            }
            return nil
        }
        while index + 1 < bytes.count {
            guard bytes[index] == 0x1B else {
                index += 1
                continue
            }
            switch bytes[index + 1] {
            case UInt8(ascii: "P"):
                guard let (body, next) = terminated(from: index + 2) else { return }
                if body.starts(with: Array(">|".utf8)) { version = String(decoding: body.dropFirst(2), as: UTF8.self) }
                index = next
            case UInt8(ascii: "_"):
                guard let (body, next) = terminated(from: index + 2) else { return }
                let text = String(decoding: body, as: UTF8.self)
                if text.hasPrefix("G"), text.hasSuffix(";OK") { kittyGraphics = true }
                index = next
            case UInt8(ascii: "["):
                var end = index + 2
                while end < bytes.count, !(0x40 ... 0x7E).contains(bytes[end]) { end += 1 }
                guard end < bytes.count else { return }
                let parameters = String(decoding: bytes[index + 2 ..< end], as: UTF8.self)
                let numbers = parameters.trimmingPrefix("?").split(separator: ";").compactMap { Int($0) }
                switch bytes[end] {
                case UInt8(ascii: "c") where parameters.hasPrefix("?"): attributes = numbers
                case UInt8(ascii: "t") where numbers.count == 3 && numbers[0] == 6:
                    cellPixels = (numbers[2], numbers[1])
                case UInt8(ascii: "t") where numbers.count == 3 && numbers[0] == 4:
                    windowPixels = (numbers[2], numbers[1])
                case UInt8(ascii: "R") where numbers.count == 2: cursorReport = true
                default: break
                }
                index = end + 1
            default:
                index += 1
            }
        }
    }

    public static func == (a: TerminalReplies, b: TerminalReplies) -> Bool {
        a.version == b.version && a.attributes == b.attributes && a.cellPixels?.width == b.cellPixels?.width
            && a.cellPixels?.height == b.cellPixels?.height && a.windowPixels?.width == b.windowPixels?.width
            && a.windowPixels?.height == b.windowPixels?.height && a.kittyGraphics == b.kittyGraphics
            && a.cursorReport == b.cursorReport
    }
}
