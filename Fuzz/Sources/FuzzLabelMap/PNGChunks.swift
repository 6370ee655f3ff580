/// Mutated PNGs almost always fail their chunk CRCs, so libpng would stop at the first chunk. The target repairs
/// each complete chunk's CRC before reading, so the fuzzer reaches the header, palette and pixel data checks.
enum PNGChunks {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// CRC-32 (ISO-HDLC, the PNG chunk CRC) of `bytes`.
    static func crc32<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0 ..< 8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// `bytes` with the CRC of every complete chunk after the signature set to the right value.
    static func repairingCRCs(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.starts(with: signature) else { return bytes }
        var fixed = bytes
        var offset = signature.count
        while offset + 12 <= fixed.count {
            let length = fixed[offset ..< offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let end = offset + 8 + length
            guard length <= fixed.count, end + 4 <= fixed.count else { break }
            let crc = crc32(fixed[offset + 4 ..< end])
            for index in 0 ..< 4 { fixed[end + index] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * index)) }
            offset = end + 4
        }
        return fixed
    }
}
