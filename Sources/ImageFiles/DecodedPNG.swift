import CPNG
import Foundation

/// A PNG file's pixels in the layout the file stores them, so that label and instance maps can tell
/// raw indices and grey values from colours.
struct DecodedPNG: Sendable, Equatable {
    /// Row-major pixels, `width * height` of them.
    enum Pixels: Sendable, Equatable {
        /// Raw palette indices, one byte per pixel (bit depths below 8 unpacked), and the file's palette.
        case indexed([UInt8], palette: [RGBColor])
        /// Raw grey values of a 1-, 2-, 4- or 8-bit grey file (not rescaled: a 1-bit file holds 0 and 1).
        case grey8([UInt8], bitDepth: Int)
        /// Grey values of a 16-bit grey file.
        case grey16([UInt16])
        /// 3 bytes per pixel (16-bit files scaled to 8 bits).
        case rgb([UInt8])
        /// 4 bytes per pixel, from colour or grey files with an alpha channel.
        case rgba([UInt8])
    }

    let width: Int
    let height: Int
    let pixels: Pixels

    /// How people would name this kind of file, for messages.
    var kindDescription: String {
        switch pixels {
        case .indexed: "an indexed-colour (palette) PNG"
        case .grey8(_, let bitDepth): "a \(bitDepth)-bit greyscale PNG"
        case .grey16: "a 16-bit greyscale PNG"
        case .rgb: "an RGB colour PNG"
        case .rgba: "an RGBA colour PNG (with alpha)"
        }
    }

    /// Reads the file after `check` has accepted its header: a picture too large for the caller's purpose (or to
    /// decode at all) is refused before anything is decoded or allocated for it.
    static func read(_ url: URL, checkingHeader check: (PNGHeader) throws -> Void = { _ in }) throws -> DecodedPNG {
        let header = try PNGHeader.read(url)
        try check(header)
        try header.checkDecodable(path: url.relativePath)
        var image = cpng_image()
        var message = [CChar](repeating: 0, count: 512)
        let ok = url.withUnsafeFileSystemRepresentation { path in
            cpng_read(path, &image, &message, message.count)
        }
        guard ok == 1 else {
            throw ImageFileError(path: url.relativePath, problem: Self.text(message))
        }
        defer { cpng_free(&image) }
        let width = Int(image.width)
        let height = Int(image.height)
        let samples = width * height * Int(image.channels)
        let pixels: Pixels
        switch image.layout {
        case CPNG_INDEXED:
            let palette = withUnsafeBytes(of: image.palette) { bytes in
                (0 ..< Int(image.palette_count)).map { RGBColor(bytes[3 * $0], bytes[3 * $0 + 1], bytes[3 * $0 + 2]) }
            }
            pixels = .indexed(Array(UnsafeBufferPointer(start: image.pixels, count: samples)), palette: palette)
        case CPNG_GREY where image.bytes_per_sample == 2:
            let values = UnsafeRawBufferPointer(start: image.pixels, count: 2 * samples)
            pixels = .grey16((0 ..< samples).map { values.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self) })
        case CPNG_GREY:
            pixels = .grey8(
                Array(UnsafeBufferPointer(start: image.pixels, count: samples)), bitDepth: Int(image.bit_depth))
        case CPNG_RGB:
            pixels = .rgb(Array(UnsafeBufferPointer(start: image.pixels, count: samples)))
        default:
            pixels = .rgba(Array(UnsafeBufferPointer(start: image.pixels, count: samples)))
        }
        return DecodedPNG(width: width, height: height, pixels: pixels)
    }

    /// The NUL-terminated message a cpng function wrote.
    private static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Writes the image atomically. Supported: indexed (at most 256 palette entries), 8-bit grey, 16-bit grey,
    /// RGB and RGBA; grey files of fewer bits are written as 8-bit. `fast` compresses little and quickly;
    /// `replacing` as `AtomicFile.write`.
    func write(to url: URL, fast: Bool = false, replacing: Bool = true) throws {
        var image = cpng_image()
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.bit_depth = 8
        image.bytes_per_sample = 1
        var bytes: [UInt8]
        switch pixels {
        case .indexed(let indices, let palette):
            guard palette.count <= 256 else {
                throw ImageFileError(
                    path: url.relativePath,
                    problem: "an indexed PNG holds at most 256 colours, the palette has \(palette.count)")
            }
            image.layout = CPNG_INDEXED
            image.channels = 1
            image.palette_count = Int32(palette.count)
            withUnsafeMutableBytes(of: &image.palette) { target in
                for (index, color) in palette.enumerated() {
                    target[3 * index] = color.red
                    target[3 * index + 1] = color.green
                    target[3 * index + 2] = color.blue
                }
            }
            bytes = indices
        case .grey8(let values, _):
            image.layout = CPNG_GREY
            image.channels = 1
            bytes = values
        case .grey16(let values):
            image.layout = CPNG_GREY
            image.channels = 1
            image.bit_depth = 16
            image.bytes_per_sample = 2
            bytes = values.withUnsafeBytes { Array($0) }
        case .rgb(let values):
            image.layout = CPNG_RGB
            image.channels = 3
            bytes = values
        case .rgba(let values):
            image.layout = CPNG_RGBA
            image.channels = 4
            bytes = values
        }
        precondition(
            bytes.count == width * height * Int(image.channels) * Int(image.bytes_per_sample),
            "pixels do not fill \(width)x\(height)")
        try AtomicFile.write(to: url, replacing: replacing) { temporary in
            var message = [CChar](repeating: 0, count: 512)
            let ok = bytes.withUnsafeMutableBufferPointer { buffer in
                image.pixels = buffer.baseAddress
                return cpng_write(temporary, &image, fast ? 1 : 0, &message, message.count)
            }
            guard ok == 1 else {
                throw ImageFileError(path: url.relativePath, problem: Self.text(message))
            }
        }
    }
}
