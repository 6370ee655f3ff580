import ImageFiles

/// A PNG file in memory (8-bit RGB, no filtering, deflate's stored blocks): what iTerm2's inline images carry.
/// Stored blocks keep the encoder a few lines and exact; the bytes go to a local terminal, so size matters less
/// than the time a compressor would take on every preview.
enum PNGStream {
    static func bytes(of image: PNGImage) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity(image.height * (image.width * 3 + 1))
        for y in 0 ..< image.height {
            raw.append(0)  // filter type None
            raw.append(contentsOf: image.pixels[y * image.width * 3 ..< (y + 1) * image.width * 3])
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let end = min(start + 65535, raw.count)
            let length = UInt16(end - start)
            zlib.append(end == raw.count ? 1 : 0)
            zlib += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            zlib.append(contentsOf: raw[start ..< end])
            start = end
        } while start < raw.count
        zlib += bigEndian(adler32(raw))

        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let header = bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height)) + [8, 2, 0, 0, 0]
        for (type, data) in [("IHDR", header), ("IDAT", zlib), ("IEND", [])] {
            let typed = Array(type.utf8) + data
            file += bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
        }
        return file
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    private static let crcTable: [UInt32] = (0 ..< 256).map { index in
        var c = UInt32(index)
        for _ in 0 ..< 8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in data { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
