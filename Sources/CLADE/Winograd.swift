import CBLAS

/// A 3x3 convolution (stride 1, padding 1) by Winograd's minimal filtering F(2x2, 3x3): each 2x2 block of output
/// pixels comes from a 4x4 input tile with 16 multiplies per input channel instead of 36 (2.25x fewer).
///
/// With `B`, `G`, `A` of Lavin & Gray (2016): kernel `U = G g G^T`, input tile `V = B^T d B`, output
/// `Y = A^T (sum over c of U ⊙ V) A`. The sum over input channels is one matrix product per tile position
/// `ξ` of the 4x4 transform domain: `M[ξ] [out, tiles] = U[ξ] [out, in] x V[ξ] [in, tiles]`.
/// The transforms hold only ±1 and ±1/2, so the error stays within a few float32 roundings of the direct sum.
///
/// - transformedWeights: `U`, `[16, out, in]` (ξ = 4 * row + column of the transform domain).
struct Winograd: Sendable {
    let transformedWeights: [Float]
    let outputChannels: Int
    let inputChannels: Int

    /// Transform-domain buffers of one chunk of tiles, in floats (2 MiB): `V` and `M` stay close to the core's
    /// 1 MiB L2 between the transforms and the products. Measured on the bundled model (`clade-paint bench generator --stages`,
    /// builds with each budget alternated, 2 threads, quiet machine): 121 ms a pass against 131 ms with 8 MiB chunks (up_2 and up_3 gain, conv_img loses 2 ms); ngf 64
    /// about even.
    static let chunkBudget = 1 << 19

    /// - weight: `[out, in, 3, 3]`.
    init(weight: Tensor) {
        precondition(weight.shape.count == 4 && weight.shape[2] == 3 && weight.shape[3] == 3, "Winograd needs [out, in, 3, 3], got \(weight.shape)")
        let (o, c) = (weight.shape[0], weight.shape[1])
        outputChannels = o
        inputChannels = c
        var u = [Float](repeating: 0, count: 16 * o * c)
        // G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]].
        let g: [[Float]] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
        for oc in 0 ..< o * c {
            let kernel = Array(weight.data[oc * 9 ..< oc * 9 + 9])
            for i in 0 ..< 4 {
                for j in 0 ..< 4 {
                    var sum: Float = 0
                    for ky in 0 ..< 3 {
                        for kx in 0 ..< 3 { sum += g[i][ky] * kernel[ky * 3 + kx] * g[j][kx] }
                    }
                    u[(i * 4 + j) * o * c + oc] = sum
                }
            }
        }
        transformedWeights = u
    }

    /// Adds the convolution of `input` `[in, h, w]` to `output` `[out, h, w]`. The map is cut into chunks of tile
    /// rows whatever the thread count (so every product has the same shape and the picture does not depend on the
    /// threads); up to `parts` threads take chunk after chunk, each with its own `chunkFloats`-sized buffer at
    /// `scratch + worker * chunkFloats`.
    func accumulate(_ input: UnsafePointer<Float>, height h: Int, width w: Int, into output: UnsafeMutablePointer<Float>,
                    scratch: UnsafeMutablePointer<Float>, parts: Int, chunkBudget: Int = chunkBudget) {
        let tileRows = (h + 1) / 2
        let chunkRows = self.chunkRows(width: w, height: h, budget: chunkBudget)
        let chunkFloats = self.chunkFloats(width: w, height: h, budget: chunkBudget)
        let chunks = (tileRows + chunkRows - 1) / chunkRows
        transformedWeights.withUnsafeBufferPointer { u in
            Parallel.forEachItem(chunks, workers: parts) { worker, index in
                let first = index * chunkRows
                chunk(input, height: h, width: w, tileRows: first ..< min(tileRows, first + chunkRows),
                      weights: u.baseAddress!, into: output, buffer: scratch + worker * chunkFloats)
            }
        }
    }

    /// Tile rows per chunk: as many as the budget holds, at least one, and at most an eighth of the map's, so that
    /// the chunks spread over the threads.
    func chunkRows(width w: Int, height h: Int, budget: Int = chunkBudget) -> Int {
        let tilesPerRow = (w + 1) / 2
        let perRow = 16 * (inputChannels + outputChannels) * tilesPerRow
        return max(1, min((h + 1) / 2 / 8, budget / perRow))
    }

    /// Floats of one thread's buffer: `V` `[16, in, tiles]`, `M` `[16, out, tiles]`, four transformed rows and
    /// a row of zeros (the padding above and below the image).
    func chunkFloats(width w: Int, height h: Int, budget: Int = chunkBudget) -> Int {
        let tiles = chunkRows(width: w, height: h, budget: budget) * ((w + 1) / 2)
        return 16 * (inputChannels + outputChannels) * tiles + 4 * (2 * ((w + 1) / 2) + 2) + w
    }

    /// One chunk of tile rows: input transform, 16 products, output transform added onto `output`.
    private func chunk(_ input: UnsafePointer<Float>, height h: Int, width w: Int, tileRows: Range<Int>,
                       weights u: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>,
                       buffer: UnsafeMutablePointer<Float>) {
        let (c, o) = (inputChannels, outputChannels)
        let tilesPerRow = (w + 1) / 2
        let tiles = tileRows.count * tilesPerRow
        let v = buffer, m = buffer + 16 * c * tiles
        // Four rows of B^T d, padded: column x of the image at index x + 1, zeros at 0 and from w + 1 on.
        let stripWidth = 2 * tilesPerRow + 2
        let strip = m + 16 * o * tiles
        for i in 0 ..< 4 { (strip + i * stripWidth).initialize(repeating: 0, count: stripWidth) }
        let zeros = strip + 4 * stripWidth
        zeros.initialize(repeating: 0, count: w)

        for channel in 0 ..< c {
            let plane = input + channel * h * w
            for (rowIndex, tileRow) in tileRows.enumerated() {
                // Rows y0 - 1 ... y0 + 2 of the image, zero outside; columns transformed by B^T first.
                let y0 = 2 * tileRow
                func row(_ k: Int) -> UnsafePointer<Float> {
                    let y = y0 - 1 + k
                    return y >= 0 && y < h ? plane + y * w : UnsafePointer(zeros)
                }
                let (d0, d1, d2, d3) = (row(0), row(1), row(2), row(3))
                let (t0, t1, t2, t3) = (strip + 1, strip + stripWidth + 1, strip + 2 * stripWidth + 1, strip + 3 * stripWidth + 1)
                for x in 0 ..< w {
                    let a = d0[x], b = d1[x], cc = d2[x], d = d3[x]
                    t0[x] = a - cc
                    t1[x] = b + cc
                    t2[x] = cc - b
                    t3[x] = b - d
                }
                // Then across columns by B: tile tx reads padded columns 2tx ... 2tx + 3.
                let base = rowIndex * tilesPerRow
                for i in 0 ..< 4 {
                    let t = strip + i * stripWidth
                    let target = v + (i * 4) * c * tiles + channel * tiles + base
                    Self.transformColumns(t, tiles: tilesPerRow, into: target, step: c * tiles)
                }
            }
        }
        for xi in 0 ..< 16 {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(o), Int32(tiles), Int32(c), 1,
                        u + xi * o * c, Int32(c), v + xi * c * tiles, Int32(tiles), 0, m + xi * o * tiles, Int32(tiles))
        }
        // Y = A^T M A with A^T = [[1, 1, 1, 0], [0, 1, -1, -1]], added onto the output.
        for channel in 0 ..< o {
            let plane = output + channel * h * w
            for (rowIndex, tileRow) in tileRows.enumerated() {
                let y0 = 2 * tileRow
                let top = plane + y0 * w
                Self.transformOutput(m + channel * tiles + rowIndex * tilesPerRow, step: o * tiles, tiles: tilesPerRow,
                                     width: w, onto: top, bottom: y0 + 1 < h ? top + w : nil)
            }
        }
    }

    /// `B^T d` across columns for one row of tiles: tile `tx` reads `t[2tx ..< 2tx + 4]` and writes transform-domain
    /// column `j` to `target[j * step + tx]`. Eight tiles at a time as vectors (even and odd columns split by the
    /// load), the rest one by one.
    private static func transformColumns(_ t: UnsafeMutablePointer<Float>, tiles: Int, into target: UnsafeMutablePointer<Float>, step: Int) {
        var tx = 0
        while tx + 8 <= tiles {
            let a = UnsafeRawPointer(t + 2 * tx).loadUnaligned(as: SIMD16<Float>.self)
            let b = UnsafeRawPointer(t + 2 * tx + 2).loadUnaligned(as: SIMD16<Float>.self)
            let (p0, p1, p2, p3) = (a.evenHalf, a.oddHalf, b.evenHalf, b.oddHalf)
            (p0 - p2).store(at: target + tx)
            (p1 + p2).store(at: target + step + tx)
            (p2 - p1).store(at: target + 2 * step + tx)
            (p1 - p3).store(at: target + 3 * step + tx)
            tx += 8
        }
        for tx in tx ..< tiles {
            let p = t + 2 * tx
            target[tx] = p[0] - p[2]
            target[step + tx] = p[1] + p[2]
            target[2 * step + tx] = p[2] - p[1]
            target[3 * step + tx] = p[1] - p[3]
        }
    }

    /// `A^T M A` for one row of tiles, added onto the output rows `top` and `bottom` (nil below the image): tile
    /// `tx` reads `m[(4i + j) * step + tx]` and writes columns `2tx` and `2tx + 1` (the second only inside `width`).
    /// Eight tiles at a time as vectors (the two columns interleaved on the store), the rest one by one.
    private static func transformOutput(_ m: UnsafeMutablePointer<Float>, step: Int, tiles: Int, width w: Int,
                                        onto top: UnsafeMutablePointer<Float>, bottom: UnsafeMutablePointer<Float>?) {
        var tx = 0
        while tx + 8 <= w / 2 {
            func value(_ i: Int, _ j: Int) -> SIMD8<Float> { .load(m + (i * 4 + j) * step + tx) }
            // Rows of A^T M, then columns by A.
            let r0 = value(0, 0) + value(1, 0) + value(2, 0), r1 = value(0, 1) + value(1, 1) + value(2, 1)
            let r2 = value(0, 2) + value(1, 2) + value(2, 2), r3 = value(0, 3) + value(1, 3) + value(2, 3)
            add(even: r0 + r1 + r2, odd: r1 - r2 - r3, onto: top + 2 * tx)
            if let bottom {
                let q0 = value(1, 0) - value(2, 0) - value(3, 0), q1 = value(1, 1) - value(2, 1) - value(3, 1)
                let q2 = value(1, 2) - value(2, 2) - value(3, 2), q3 = value(1, 3) - value(2, 3) - value(3, 3)
                add(even: q0 + q1 + q2, odd: q1 - q2 - q3, onto: bottom + 2 * tx)
            }
            tx += 8
        }
        for tx in tx ..< tiles {
            func value(_ i: Int, _ j: Int) -> Float { m[(i * 4 + j) * step + tx] }
            let r0 = value(0, 0) + value(1, 0) + value(2, 0), r1 = value(0, 1) + value(1, 1) + value(2, 1)
            let r2 = value(0, 2) + value(1, 2) + value(2, 2), r3 = value(0, 3) + value(1, 3) + value(2, 3)
            let x = 2 * tx
            top[x] += r0 + r1 + r2
            if x + 1 < w { top[x + 1] += r1 - r2 - r3 }
            if let bottom {
                let q0 = value(1, 0) - value(2, 0) - value(3, 0), q1 = value(1, 1) - value(2, 1) - value(3, 1)
                let q2 = value(1, 2) - value(2, 2) - value(3, 2), q3 = value(1, 3) - value(2, 3) - value(3, 3)
                bottom[x] += q0 + q1 + q2
                if x + 1 < w { bottom[x + 1] += q1 - q2 - q3 }
            }
        }
    }

    /// Adds `even` and `odd` interleaved (`even[0], odd[0], even[1], ...`) onto the 16 floats at `pointer`.
    private static func add(even: SIMD8<Float>, odd: SIMD8<Float>, onto pointer: UnsafeMutablePointer<Float>) {
        var pairs = SIMD16<Float>()
        pairs.evenHalf = even
        pairs.oddHalf = odd
        let raw = UnsafeMutableRawPointer(pointer)
        raw.storeBytes(of: raw.loadUnaligned(as: SIMD16<Float>.self) + pairs, as: SIMD16<Float>.self)
    }
}
