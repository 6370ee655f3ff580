import CPNG
import Foundation

/// The size and pixel format a PNG file declares in its header (the IHDR chunk, bytes 8 to 32), read without
/// decoding anything, so a reader can refuse a picture too large for its purpose before allocating for it.
public struct PNGHeader: Sendable, Equatable {
    /// The PNG colour types (`color_type` of IHDR).
    public enum ColourType: UInt8, Sendable {
        case grey = 0
        case rgb = 2
        case indexed = 3
        case greyAlpha = 4
        case rgba = 6
    }

    public let width: Int
    public let height: Int
    public let bitDepth: Int
    public let colourType: ColourType

    /// The largest side and decoded size any PNG is read with (the decoder's own bounds, `cpng.h`).
    public static let largestSide = Int(CPNG_MAX_SIDE)
    public static let largestDecodedBytes = Int(CPNG_MAX_BYTES)

    /// Bytes per pixel once decoded: one per palette index or grey sample (two for 16-bit grey), three for RGB,
    /// four for anything with alpha (16-bit colour is scaled to 8 bits).
    public var decodedBytesPerPixel: Int {
        switch colourType {
        case .grey: bitDepth == 16 ? 2 : 1
        case .indexed: 1
        case .rgb: 3
        case .greyAlpha, .rgba: 4
        }
    }

    public var pixelCount: Int { width * height }

    /// `"32000x32000 pixels"`.
    public var sizeDescription: String { "\(width)x\(height) pixels" }

    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Reads the header of the regular file at `url`.
    public static func read(_ url: URL) throws -> PNGHeader {
        let path = url.relativePath
        try RegularFile.check(url, kind: "PNG image")
        let bytes: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            bytes = try handle.read(upToCount: 33) ?? Data()
        } catch {
            throw ImageFileError(path: path, problem: "cannot open the file: \(error.localizedDescription)")
        }
        let header = [UInt8](bytes)
        guard !header.isEmpty else { throw ImageFileError(path: path, problem: "the file is empty, not a PNG image") }
        guard header.count >= 8, Array(header[0 ..< 8]) == signature else {
            throw ImageFileError(path: path, problem: "not a PNG image (the PNG signature is missing)")
        }
        guard header.count == 33 else {
            throw ImageFileError(path: path, problem: "the file ends early: the PNG is truncated")
        }
        func number(at offset: Int) -> Int { header[offset ..< offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        guard number(at: 8) == 13, Array(header[12 ..< 16]) == Array("IHDR".utf8) else {
            throw ImageFileError(
                path: path, problem: "the PNG does not start with its header chunk (IHDR), so it is damaged")
        }
        let width = number(at: 16)
        let height = number(at: 20)
        guard width > 0, height > 0, width < 1 << 31, height < 1 << 31 else {
            throw ImageFileError(
                path: path,
                problem:
                    "the PNG header gives the size \(width)x\(height) pixels, which no PNG can have; the file is damaged"
            )
        }
        guard let colourType = ColourType(rawValue: header[25]) else {
            throw ImageFileError(
                path: path,
                problem:
                    "the PNG header gives colour type \(header[25]), which PNG does not define; the file is damaged")
        }
        return PNGHeader(width: width, height: height, bitDepth: Int(header[24]), colourType: colourType)
    }

    /// Throws unless the image is small enough to decode at all (`path` names the file).
    func checkDecodable(path: String) throws {
        guard width <= Self.largestSide, height <= Self.largestSide,
            pixelCount * decodedBytesPerPixel <= Self.largestDecodedBytes
        else {
            throw ImageFileError(
                path: path,
                problem: "the image is \(sizeDescription), larger than clade-paint reads "
                    + "(at most \(Self.largestSide) pixels a side and \(Self.largestDecodedBytes >> 20) MiB of decoded pixels)"
            )
        }
    }
}
