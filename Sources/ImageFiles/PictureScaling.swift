import ImageFiles

extension PNGImage {
    /// The picture scaled to `width x height`: each pixel the rounded mean of the source pixels it covers (a box
    /// filter, so a downscaled preview does not shimmer), or the nearest source pixel when enlarging.
    public func scaled(width: Int, height: Int) -> PNGImage {
        precondition(width > 0 && height > 0, "a picture of \(width)x\(height) pixels")
        if width == self.width && height == self.height { return self }
        var scaled = [UInt8](repeating: 0, count: width * height * 3)
        func span(_ index: Int, of count: Int, over source: Int) -> Range<Int> {
            let start = index * source / count
            return start ..< max(start + 1, (index + 1) * source / count)
        }
        for y in 0 ..< height {
            let rows = span(y, of: height, over: self.height)
            for x in 0 ..< width {
                let columns = span(x, of: width, over: self.width)
                var sum = (0, 0, 0)
                for sy in rows {
                    for sx in columns {
                        let offset = (sy * self.width + sx) * 3
                        sum.0 += Int(pixels[offset])
                        sum.1 += Int(pixels[offset + 1])
                        sum.2 += Int(pixels[offset + 2])
                    }
                }
                let count = rows.count * columns.count
                let offset = (y * width + x) * 3
                scaled[offset] = UInt8((sum.0 + count / 2) / count)
                scaled[offset + 1] = UInt8((sum.1 + count / 2) / count)
                scaled[offset + 2] = UInt8((sum.2 + count / 2) / count)
            }
        }
        return PNGImage(width: width, height: height, pixels: scaled)
    }
}
