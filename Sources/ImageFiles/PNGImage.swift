import CLADE
import Foundation

/// An 8-bit RGB picture: the generator's output, or a style reference image.
public struct PNGImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major `[height, width, 3]` bytes: R, G, B of each pixel.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(
            width > 0 && height > 0 && pixels.count == width * height * 3, "RGB pixels do not fill \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Converts a generator output `[3, H, W]` with values in [-1, 1] (channels R, G, B) to bytes:
    /// `(v + 1) * 127.5` clamped to 0...255, rounded (or truncated, as the official code does); NaN becomes 0.
    public init(tensor: Tensor, quantization: Quantization = .round) {
        precondition(
            tensor.shape.count == 3 && tensor.shape[0] == 3, "an RGB image tensor is [3, H, W], got \(tensor.shape)")
        let height = tensor.shape[1]
        let width = tensor.shape[2]
        let plane = height * width
        var pixels = [UInt8](repeating: 0, count: plane * 3)
        for channel in 0 ..< 3 {
            for index in 0 ..< plane {
                pixels[index * 3 + channel] = quantization.byte(tensor.data[channel * plane + index])
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The picture as a `[3, H, W]` tensor in [-1, 1] (`byte / 127.5 - 1`), the style encoder's input layout.
    public var tensor: Tensor {
        let plane = height * width
        var data = [Float](repeating: 0, count: plane * 3)
        for index in 0 ..< plane {
            for channel in 0 ..< 3 {
                data[channel * plane + index] = Float(pixels[index * 3 + channel]) / 127.5 - 1
            }
        }
        return Tensor(shape: [3, height, width], data: data)
    }

    /// Reads any PNG as RGB: palette images through their palette, grey replicated to three channels
    /// (scaled to 8 bits), 16-bit channels scaled to 8 bits; an alpha channel is dropped.
    /// `check` sees the header before anything is decoded and throws to refuse a picture (too large, say).
    public static func read(_ url: URL, checkingHeader check: (PNGHeader) throws -> Void = { _ in }) throws -> PNGImage
    {
        let file = try DecodedPNG.read(url, checkingHeader: check)
        let count = file.width * file.height
        var rgb = [UInt8](repeating: 0, count: count * 3)
        func put(_ index: Int, _ red: UInt8, _ green: UInt8, _ blue: UInt8) {
            rgb[3 * index] = red
            rgb[3 * index + 1] = green
            rgb[3 * index + 2] = blue
        }
        switch file.pixels {
        case .indexed(let indices, let palette):
            for index in 0 ..< count {
                guard Int(indices[index]) < palette.count else {
                    throw ImageFileError(
                        path: url.relativePath, place: .pixel(x: index % file.width, y: index / file.width),
                        problem: "palette index \(indices[index]) is beyond the file's \(palette.count)-colour palette")
                }
                let color = palette[Int(indices[index])]
                put(index, color.red, color.green, color.blue)
            }
        case .grey8(let values, let bitDepth):
            let maximum = (1 << bitDepth) - 1
            for index in 0 ..< count {
                let grey = UInt8((Int(values[index]) * 255 + maximum / 2) / maximum)
                put(index, grey, grey, grey)
            }
        case .grey16(let values):
            for index in 0 ..< count {
                let grey = UInt8((Int(values[index]) * 255 + 32767) / 65535)
                put(index, grey, grey, grey)
            }
        case .rgb(let values):
            rgb = values
        case .rgba(let values):
            for index in 0 ..< count {
                put(index, values[4 * index], values[4 * index + 1], values[4 * index + 2])
            }
        }
        return PNGImage(width: file.width, height: file.height, pixels: rgb)
    }

    /// The most pixels of a reference picture for the style encoder (64 megapixels, a large camera photo): the
    /// encoder scales it to 256x256, and reading it as a tensor takes about 20 bytes a pixel.
    public static let largestReferencePixels = 64_000_000

    /// Reads a reference picture for the style encoder, refusing one above `largestReferencePixels` from its header.
    public static func readReference(_ url: URL) throws -> PNGImage {
        try read(url) { header in
            guard header.pixelCount <= largestReferencePixels else {
                throw ImageFileError(
                    path: url.relativePath,
                    problem: "the reference picture is \(header.sizeDescription) "
                        + "(\(header.pixelCount / 1_000_000) megapixels); the style encoder takes at most \(largestReferencePixels / 1_000_000) megapixels "
                        + "(it scales the picture to 256x256): scale it down first")
            }
        }
    }

    /// Writes an 8-bit RGB PNG atomically: the file appears complete or not at all.
    /// - fast: compress little and quickly (zlib level 1, the Sub filter), for previews: at default settings
    ///   zlib took about a tenth of the painter's CPU time, on the render worker, between a render and its preview.
    /// - replacing: whether an existing file at `url` may be replaced (`AtomicFile.write`).
    public func write(to url: URL, fast: Bool = false, replacing: Bool = true) throws {
        try DecodedPNG(width: width, height: height, pixels: .rgb(pixels)).write(
            to: url, fast: fast, replacing: replacing)
    }
}
