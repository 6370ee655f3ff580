import CBLAS

/// A 3x3 convolution (stride 1, padding 1) by Winograd's minimal filtering F(m x m, 3x3): each m x m block of output
/// pixels comes from an (m + 2) x (m + 2) input tile. F(2x2, 3x3) takes 16 multiplies per input channel for 4 outputs
/// (2.25x fewer than direct convolution's 36), F(4x4, 3x3) 36 for 16 (4x fewer).
///
/// With `B`, `G`, `A` of Lavin & Gray (2016): kernel `U = G g G^T`, input tile `V = B^T d B`, output
/// `Y = A^T (sum over c of U ⊙ V) A`. The sum over input channels is one matrix product per position `ξ` of the
/// transform domain: `M[ξ] [out, tiles] = U[ξ] [out, in] x V[ξ] [in, tiles]`.
/// F(2x2, 3x3)'s transforms hold only ±1 and ±1/2, so its error stays within a few float32 roundings of the direct
/// sum. F(4x4, 3x3) (points 0, ±1, ±2) has coefficients up to 8 in `A` and 5 in `B` and 1/6 in `G`: its error is some
/// ten times larger, still far inside the engine's parity tolerance (measured and bounded in WinogradTests).
///
/// - transformedWeights: `U`, `[α², out, in]` (ξ = α * row + column of the transform domain, α = m + 2).
struct Winograd: Sendable {
    /// Output tile size `m`.
    enum Tile: Int, Sendable {
        case two = 2
        case four = 4
    }

    let tile: Tile
    let transformedWeights: [Float]
    let outputChannels: Int
    let inputChannels: Int

    /// Transform-domain buffers of one chunk of tiles, in floats (2 MiB): `V` and `M` stay close to the core's
    /// 1 MiB L2 between the transforms and the products. Measured on the bundled model (`clade-paint bench generator --stages`,
    /// builds with each budget alternated, 2 threads, quiet machine): 121 ms a pass against 131 ms with 8 MiB chunks (up_2 and up_3 gain, conv_img loses 2 ms); ngf 64
    /// about even.
    static let chunkBudget = 1 << 19
    /// Most floats of `V` and `M` for which the whole map is one batch (16 MiB). Every chunk reads all α² weight
    /// matrices of the layer again, from L3 once they outgrow the core's L2 (up to 9 MiB at 256 -> 128 channels), so
    /// on small maps with many channels one batch, whose products run once per position with all tiles as columns,
    /// reads them once and moves its `V` and `M` through L3 instead.
    static let wholeMapBudget = 1 << 22
    /// Whole-map scratch allowed per float of a layer's transformed weights, where that is more than `wholeMapBudget`.
    /// ngf 64's layers of 769 and more channels at 32x32 and 64x64 have 4 to 10 MiB of `V` and `M` per tile row, so
    /// their chunks were single tile rows, each of which read all of the layer's weights (17 to 34 MB) again.
    static let wholeMapWeightFactor = 2

    /// Most floats of `V` and `M` for which this layer's whole map is one batch: `wholeMapBudget`, or
    /// `wholeMapWeightFactor` times its transformed weights where that is more.
    var wholeMapLimit: Int { max(Self.wholeMapBudget, Self.wholeMapWeightFactor * transformedWeights.count) }

    /// Output tile `m`.
    var m: Int { tile.rawValue }
    /// Input tile `α = m + 2`.
    var alpha: Int { tile.rawValue + 2 }
    /// Positions of the transform domain, `α²`: one product each.
    var points: Int { alpha * alpha }

    /// - weight: `[out, in, 3, 3]`.
    init(weight: Tensor, tile: Tile = .two) {
        precondition(
            weight.shape.count == 4 && weight.shape[2] == 3 && weight.shape[3] == 3,
            "Winograd needs [out, in, 3, 3], got \(weight.shape)")
        let (o, c) = (weight.shape[0], weight.shape[1])
        self.tile = tile
        outputChannels = o
        inputChannels = c
        // G in double precision; U is rounded to float once.
        let g: [[Double]] =
            switch tile {
            case .two: [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
            case .four:
                [
                    [1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
                    [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1],
                ]
            }
        let alpha = g.count
        let pairs = o * c
        let matrix = g.flatMap { $0 }
        // U = (G g) Gᵀ, the rows of G first, for each (out, in) pair over the threads (ngf 64's middle blocks have a
        // million pairs a convolution); every value of U is written once. Plain loops over pointers: debug and
        // sanitizer builds load the bundled model in tests, and closures or arrays in this loop made that minutes.
        let u = [Float](unsafeUninitializedCapacity: alpha * alpha * pairs) { u, initialized in
            let u = u.baseAddress!
            weight.data.withUnsafeBufferPointer { weights in
                matrix.withUnsafeBufferPointer { matrix in
                    let (weights, g) = (weights.baseAddress!, matrix.baseAddress!)
                    Parallel.forEach(pairs, grain: 1 << 12) { range in
                        let rows = UnsafeMutablePointer<Double>.allocate(capacity: alpha * 3)
                        defer { rows.deallocate() }
                        for pair in range {
                            let kernel = weights + pair * 9
                            for i in 0 ..< alpha {
                                let (g0, g1, g2) = (g[i * 3], g[i * 3 + 1], g[i * 3 + 2])
                                for kx in 0 ..< 3 {
                                    rows[i * 3 + kx] =
                                        g0 * Double(kernel[kx]) + g1 * Double(kernel[3 + kx]) + g2
                                        * Double(kernel[6 + kx])
                                }
                            }
                            for i in 0 ..< alpha {
                                let (r0, r1, r2) = (rows[i * 3], rows[i * 3 + 1], rows[i * 3 + 2])
                                for j in 0 ..< alpha {
                                    let sum = r0 * g[j * 3] + r1 * g[j * 3 + 1] + r2 * g[j * 3 + 2]
                                    u[(i * alpha + j) * pairs + pair] = Float(sum)
                                }
                            }
                        }
                    }
                }
            }
            initialized = alpha * alpha * pairs
        }
        transformedWeights = u
    }

    /// The batches a map is cut into: whole, or chunks of tile rows. Depends on the shapes only, never on the
    /// threads, so every product has the same shape (and the picture the same bits) whatever the thread count.
    struct Plan: Equatable {
        /// Tile rows per batch.
        let batchRows: Int
        /// One batch for the whole map: its three stages each run over all threads in turn.
        var isWholeMap: Bool
    }

    /// The plan for an `h x w` map. A whole-map batch when its `V` and `M` fit `wholeMapBudget` and the map would
    /// otherwise be cut; else chunks of as many tile rows as `chunkBudget` holds, at least one, and at most an eighth
    /// of the map's, so that the chunks spread over the threads.
    func plan(width w: Int, height h: Int, chunkBudget: Int = chunkBudget, wholeMapBudget: Int = wholeMapBudget)
        -> Plan
    {
        let (tileRows, tilesPerRow) = ((h + m - 1) / m, (w + m - 1) / m)
        let perRow = points * (inputChannels + outputChannels) * tilesPerRow
        let chunkRows = max(1, min(tileRows / 8, chunkBudget / perRow))
        if chunkRows < tileRows && perRow * tileRows <= wholeMapBudget {
            return Plan(batchRows: tileRows, isWholeMap: true)
        }
        return Plan(batchRows: chunkRows, isWholeMap: false)
    }

    /// Floats of scratch memory `accumulate` needs for an `h x w` map with `plan` on `parts` threads: per chunk
    /// (one a thread) or for the whole map, `V` `[α², in, tiles]` and `M` `[α², out, tiles]`; and per thread
    /// `workerFloats`.
    func scratchFloats(width w: Int, height h: Int, plan: Plan, parts: Int) -> Int {
        let tiles = plan.batchRows * ((w + m - 1) / m)
        let batch = points * (inputChannels + outputChannels) * tiles
        return (plan.isWholeMap ? batch : parts * batch) + parts * workerFloats(width: w, batchRows: plan.batchRows)
    }

    /// One thread's rows: α transformed rows, padded by a column on each side; a row of zeros (the padding above
    /// and below the image) with a vector's slack (the vector loads of the last rows); and the input rows one batch
    /// reads of a channel, where the input is made on demand.
    private func workerFloats(width w: Int, batchRows: Int) -> Int {
        alpha * stripWidth(width: w) + w + 32 + (m * batchRows + 2) * w
    }

    /// A transformed row: column x of the image at index x + 1, zeros at 0 and from w + 1 on.
    private func stripWidth(width w: Int) -> Int { m * ((w + m - 1) / m) + 2 }

    /// Where the input's rows come from: `rows(channel, range, scratch)` points to rows `range` of input channel
    /// `channel`, row y at `(y - range.lowerBound) * w`: in place in a stored map, or written into `scratch`
    /// (`range.count * w` floats) by a norm made on demand (`ModulatedFeatures`).
    typealias InputRows = (_ channel: Int, _ rows: Range<Int>, _ scratch: UnsafeMutablePointer<Float>) ->
        UnsafePointer<Float>

    /// Adds the convolution of the input `[in, h, w]` (read through `rows`) and `bias` (`[out]`, if any) to
    /// `output` `[out, h, w]`, or stores it there when `storing` (every value is written, none read), cut into
    /// batches by `plan`. Up to `parts` threads take chunk after chunk, each in its own part of `scratch`
    /// (`scratchFloats`); a whole-map batch runs its input transform (by input channel), its products (by position)
    /// and its output transform (by output channel) over all threads in turn.
    func accumulate(
        _ rows: InputRows, height h: Int, width w: Int, into output: UnsafeMutablePointer<Float>,
        bias: UnsafePointer<Float>?, storing: Bool, scratch: UnsafeMutablePointer<Float>, plan: Plan, parts: Int
    ) {
        let (c, o) = (inputChannels, outputChannels)
        let tileRows = (h + m - 1) / m
        let tiles = plan.batchRows * ((w + m - 1) / m)
        let worker = workerFloats(width: w, batchRows: plan.batchRows)
        transformedWeights.withUnsafeBufferPointer { u in
            let u = u.baseAddress!
            if plan.isWholeMap {
                let v = scratch
                let products = v + points * c * tiles
                let workers = products + points * o * tiles
                Parallel.forEachItem(c, workers: parts) { index, channel in
                    transformInput(
                        rows, height: h, width: w, tileRows: 0 ..< tileRows, channels: channel ..< channel + 1,
                        into: v, scratch: workers + index * worker)
                }
                Parallel.forEachItem(points, workers: parts) { _, xi in
                    multiply(positions: xi ..< xi + 1, weights: u, v, tiles: tiles, into: products)
                }
                Parallel.forEachItem(o, workers: parts) { _, channel in
                    transformOutput(
                        products, tiles: tiles, height: h, width: w, tileRows: 0 ..< tileRows,
                        channels: channel ..< channel + 1, onto: output, bias: bias, storing: storing)
                }
                return
            }
            let batch = points * (c + o) * tiles + worker
            Parallel.forEachItem((tileRows + plan.batchRows - 1) / plan.batchRows, workers: parts) { index, chunk in
                let chunkRows = chunk * plan.batchRows ..< min(tileRows, (chunk + 1) * plan.batchRows)
                let chunkTiles = chunkRows.count * ((w + m - 1) / m)
                let v = scratch + index * batch
                let products = v + points * c * chunkTiles
                transformInput(
                    rows, height: h, width: w, tileRows: chunkRows, channels: 0 ..< c, into: v,
                    scratch: products + points * o * chunkTiles)
                multiply(positions: 0 ..< points, weights: u, v, tiles: chunkTiles, into: products)
                transformOutput(
                    products, tiles: chunkTiles, height: h, width: w, tileRows: chunkRows, channels: 0 ..< o,
                    onto: output, bias: bias, storing: storing)
            }
        }
    }

    /// `V = B^T d B` of input channels `channels` for the tiles of `tileRows`, into `v` `[α², in, tiles]` (the
    /// batch's tiles, `tileRows.count` rows of them); `scratch` is `workerFloats` of this thread's.
    private func transformInput(
        _ rows: InputRows, height h: Int, width w: Int, tileRows: Range<Int>, channels: Range<Int>,
        into v: UnsafeMutablePointer<Float>, scratch strip: UnsafeMutablePointer<Float>
    ) {
        let c = inputChannels
        let tilesPerRow = (w + m - 1) / m
        let tiles = tileRows.count * tilesPerRow
        // α rows of B^T d, padded: column x of the image at index x + 1, zeros at 0 and from w + 1 on.
        let stripWidth = stripWidth(width: w)
        for i in 0 ..< alpha { (strip + i * stripWidth).initialize(repeating: 0, count: stripWidth) }
        let zeros = strip + alpha * stripWidth
        zeros.initialize(repeating: 0, count: w + 32)
        let rowScratch = zeros + w + 32
        // The image rows the tiles read: y0 - 1 ... y0 + m of each tile row.
        let read = max(0, m * tileRows.lowerBound - 1) ..< min(h, m * tileRows.upperBound + 1)

        for channel in channels {
            let plane = rows(channel, read, rowScratch)
            for (rowIndex, tileRow) in tileRows.enumerated() {
                // Rows y0 - 1 ... y0 + α - 2 of the image, zero outside; columns transformed by B^T first.
                let y0 = m * tileRow
                func row(_ k: Int) -> UnsafePointer<Float> {
                    let y = y0 - 1 + k
                    return y >= 0 && y < h ? plane + (y - read.lowerBound) * w : UnsafePointer(zeros)
                }
                let base = rowIndex * tilesPerRow
                switch tile {
                case .two:
                    let (d0, d1, d2, d3) = (row(0), row(1), row(2), row(3))
                    let (t0, t1, t2, t3) = (
                        strip + 1, strip + stripWidth + 1, strip + 2 * stripWidth + 1, strip + 3 * stripWidth + 1
                    )
                    for x in 0 ..< w {
                        let a = d0[x]
                        let b = d1[x]
                        let cc = d2[x]
                        let d = d3[x]
                        t0[x] = a - cc
                        t1[x] = b + cc
                        t2[x] = cc - b
                        t3[x] = b - d
                    }
                    // Then across columns by B: tile tx reads padded columns 2tx ... 2tx + 3.
                    for i in 0 ..< 4 {
                        let t = strip + i * stripWidth
                        let target = v + (i * 4) * c * tiles + channel * tiles + base
                        Self.transformColumns(t, tiles: tilesPerRow, into: target, step: c * tiles)
                    }
                case .four:
                    Self.transformRows(row, width: w, into: strip + 1, stride: stripWidth)
                    for i in 0 ..< 6 {
                        let target = v + (i * 6) * c * tiles + channel * tiles + base
                        Self.transformColumns6(
                            strip + i * stripWidth, tiles: tilesPerRow, into: target, step: c * tiles)
                    }
                }
            }
        }
    }

    /// `M[ξ] = U[ξ] V[ξ]` for the positions `positions`: `[out, in] x [in, tiles]`, one single-threaded product each.
    private func multiply(
        positions: Range<Int>, weights u: UnsafePointer<Float>, _ v: UnsafePointer<Float>, tiles: Int,
        into products: UnsafeMutablePointer<Float>
    ) {
        let (c, o) = (inputChannels, outputChannels)
        for xi in positions {
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(o), Int32(tiles), Int32(c), 1,
                u + xi * o * c, Int32(c), v + xi * c * tiles, Int32(tiles), 0, products + xi * o * tiles, Int32(tiles))
        }
    }

    /// `Y = A^T M A` plus the bias of output channels `channels` for the tiles of `tileRows` (`M` `[α², out,
    /// tiles]`), added onto `output` `[out, h, w]` or stored there.
    private func transformOutput(
        _ products: UnsafeMutablePointer<Float>, tiles: Int, height h: Int, width w: Int, tileRows: Range<Int>,
        channels: Range<Int>, onto output: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, storing: Bool
    ) {
        let o = outputChannels
        let tilesPerRow = (w + m - 1) / m
        for channel in channels {
            let plane = output + channel * h * w
            let place = Placement(bias: bias?[channel] ?? 0, storing: storing)
            for (rowIndex, tileRow) in tileRows.enumerated() {
                let y0 = m * tileRow
                let top = plane + y0 * w
                let tileProducts = products + channel * tiles + rowIndex * tilesPerRow
                switch tile {
                case .two:
                    Self.transformOutput(
                        tileProducts, step: o * tiles, tiles: tilesPerRow, width: w, onto: top,
                        bottom: y0 + 1 < h ? top + w : nil, place)
                case .four:
                    Self.transformOutput6(
                        tileProducts, step: o * tiles, tiles: tilesPerRow, width: w, onto: top,
                        rows: min(4, h - y0), place)
                }
            }
        }
    }

    /// `B^T d` across columns for one row of tiles: tile `tx` reads `t[2tx ..< 2tx + 4]` and writes transform-domain
    /// column `j` to `target[j * step + tx]`. Eight tiles at a time as vectors (even and odd columns split by the
    /// load), the rest one by one.
    private static func transformColumns(
        _ t: UnsafeMutablePointer<Float>, tiles: Int, into target: UnsafeMutablePointer<Float>, step: Int
    ) {
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

    /// How a tile's output values reach the output: plus the channel's bias, added onto what it holds or stored
    /// in its place.
    struct Placement {
        let bias: Float
        let storing: Bool

        @inline(__always)
        func put(_ value: Float, at pointer: UnsafeMutablePointer<Float>) {
            pointer.pointee = storing ? value + bias : pointer.pointee + (value + bias)
        }

        /// `even` and `odd` interleaved (`even[0], odd[0], even[1], ...`) onto the 16 floats at `pointer`.
        @inline(__always)
        func put(even: SIMD8<Float>, odd: SIMD8<Float>, at pointer: UnsafeMutablePointer<Float>) {
            var pairs = SIMD16<Float>()
            pairs.evenHalf = even
            pairs.oddHalf = odd
            pairs += bias
            let raw = UnsafeMutableRawPointer(pointer)
            raw.storeBytes(
                of: storing ? pairs : raw.loadUnaligned(as: SIMD16<Float>.self) + pairs, as: SIMD16<Float>.self)
        }
    }

    /// `A^T M A` for one row of tiles, put onto the output rows `top` and `bottom` (nil below the image): tile `tx`
    /// reads `m[(4i + j) * step + tx]` and writes columns `2tx` and `2tx + 1` (the second only inside `width`).
    /// Eight tiles at a time as vectors (the two columns interleaved on the store), the rest one by one.
    private static func transformOutput(
        _ m: UnsafeMutablePointer<Float>, step: Int, tiles: Int, width w: Int,
        onto top: UnsafeMutablePointer<Float>, bottom: UnsafeMutablePointer<Float>?, _ place: Placement
    ) {
        var tx = 0
        while tx + 8 <= w / 2 {
            func value(_ i: Int, _ j: Int) -> SIMD8<Float> { .load(m + (i * 4 + j) * step + tx) }
            // Rows of A^T M, then columns by A.
            let r0 = value(0, 0) + value(1, 0) + value(2, 0)
            let r1 = value(0, 1) + value(1, 1) + value(2, 1)
            let r2 = value(0, 2) + value(1, 2) + value(2, 2)
            let r3 = value(0, 3) + value(1, 3) + value(2, 3)
            place.put(even: r0 + r1 + r2, odd: r1 - r2 - r3, at: top + 2 * tx)
            if let bottom {
                let q0 = value(1, 0) - value(2, 0) - value(3, 0)
                let q1 = value(1, 1) - value(2, 1) - value(3, 1)
                let q2 = value(1, 2) - value(2, 2) - value(3, 2)
                let q3 = value(1, 3) - value(2, 3) - value(3, 3)
                place.put(even: q0 + q1 + q2, odd: q1 - q2 - q3, at: bottom + 2 * tx)
            }
            tx += 8
        }
        for tx in tx ..< tiles {
            func value(_ i: Int, _ j: Int) -> Float { m[(i * 4 + j) * step + tx] }
            let r0 = value(0, 0) + value(1, 0) + value(2, 0)
            let r1 = value(0, 1) + value(1, 1) + value(2, 1)
            let r2 = value(0, 2) + value(1, 2) + value(2, 2)
            let r3 = value(0, 3) + value(1, 3) + value(2, 3)
            let x = 2 * tx
            place.put(r0 + r1 + r2, at: top + x)
            if x + 1 < w { place.put(r1 - r2 - r3, at: top + x + 1) }
            if let bottom {
                let q0 = value(1, 0) - value(2, 0) - value(3, 0)
                let q1 = value(1, 1) - value(2, 1) - value(3, 1)
                let q2 = value(1, 2) - value(2, 2) - value(3, 2)
                let q3 = value(1, 3) - value(2, 3) - value(3, 3)
                place.put(q0 + q1 + q2, at: bottom + x)
                if x + 1 < w { place.put(q1 - q2 - q3, at: bottom + x + 1) }
            }
        }
    }

    // F(4x4, 3x3). B^T = [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0], [0, -2, -1, 2, 1, 0],
    // [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]]; A^T = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0],
    // [0, 1, -1, 8, -8, 1]]. Each is written once, generic over a lane (one float or 8 tiles as a vector).

    /// `B^T d` of six values.
    @inline(__always)
    private static func inputTransform<L: WinogradLane>(_ d0: L, _ d1: L, _ d2: L, _ d3: L, _ d4: L, _ d5: L) -> (
        L, L, L, L, L, L
    ) {
        let a = d4 - d2
        let b = d3 - d1
        return (
            4 * d0 - 5 * d2 + d4, (d3 + d4) - 4 * (d1 + d2), (d4 - d3) + 4 * (d1 - d2), a + 2 * b, a - 2 * b,
            4 * d1 - 5 * d3 + d5
        )
    }

    /// `A^T m` of six values.
    @inline(__always)
    private static func outputTransform<L: WinogradLane>(_ m0: L, _ m1: L, _ m2: L, _ m3: L, _ m4: L, _ m5: L) -> (
        L, L, L, L
    ) {
        let sum12 = m1 + m2
        let difference12 = m1 - m2
        let sum34 = m3 + m4
        let difference34 = m3 - m4
        return (
            m0 + sum12 + sum34, difference12 + 2 * difference34, sum12 + 4 * sum34, difference12 + 8 * difference34 + m5
        )
    }

    /// `B^T d` down the columns of the six image rows `row(0) ... row(5)`, into six rows `stride` apart from `target`.
    private static func transformRows(
        _ row: (Int) -> UnsafePointer<Float>, width w: Int, into target: UnsafeMutablePointer<Float>,
        stride: Int
    ) {
        let d = (row(0), row(1), row(2), row(3), row(4), row(5))
        var x = 0
        while x + 8 <= w {
            let t = inputTransform(
                SIMD8.load(d.0 + x), .load(d.1 + x), .load(d.2 + x), .load(d.3 + x), .load(d.4 + x), .load(d.5 + x))
            t.0.store(at: target + x)
            t.1.store(at: target + stride + x)
            t.2.store(at: target + 2 * stride + x)
            t.3.store(at: target + 3 * stride + x)
            t.4.store(at: target + 4 * stride + x)
            t.5.store(at: target + 5 * stride + x)
            x += 8
        }
        for x in x ..< w {
            let t = inputTransform(d.0[x], d.1[x], d.2[x], d.3[x], d.4[x], d.5[x])
            (target[x], target[stride + x], target[2 * stride + x]) = (t.0, t.1, t.2)
            (target[3 * stride + x], target[4 * stride + x], target[5 * stride + x]) = (t.3, t.4, t.5)
        }
    }

    /// `B^T d` across columns for one row of tiles: tile `tx` reads `t[4tx ..< 4tx + 6]` and writes transform-domain
    /// column `j` to `target[j * step + tx]`. Eight tiles at a time as vectors (every fourth column picked by the
    /// load), the rest one by one.
    private static func transformColumns6(
        _ t: UnsafeMutablePointer<Float>, tiles: Int, into target: UnsafeMutablePointer<Float>, step: Int
    ) {
        var tx = 0
        while tx + 8 <= tiles {
            let a = UnsafeRawPointer(t + 4 * tx).loadUnaligned(as: SIMD32<Float>.self)
            let b = UnsafeRawPointer(t + 4 * tx + 4).loadUnaligned(as: SIMD32<Float>.self)
            let (ae, ao) = (a.evenHalf, a.oddHalf)
            let p = inputTransform(
                ae.evenHalf, ao.evenHalf, ae.oddHalf, ao.oddHalf, b.evenHalf.evenHalf, b.oddHalf.evenHalf)
            p.0.store(at: target + tx)
            p.1.store(at: target + step + tx)
            p.2.store(at: target + 2 * step + tx)
            p.3.store(at: target + 3 * step + tx)
            p.4.store(at: target + 4 * step + tx)
            p.5.store(at: target + 5 * step + tx)
            tx += 8
        }
        for tx in tx ..< tiles {
            let c = t + 4 * tx
            let p = inputTransform(c[0], c[1], c[2], c[3], c[4], c[5])
            (target[tx], target[step + tx], target[2 * step + tx]) = (p.0, p.1, p.2)
            (target[3 * step + tx], target[4 * step + tx], target[5 * step + tx]) = (p.3, p.4, p.5)
        }
    }

    /// `A^T M A` for one row of tiles, put onto the first `rows` (1 ... 4) output rows from `top`: tile `tx` reads
    /// `m[(6i + j) * step + tx]` and writes columns `4tx ..< 4tx + 4` inside `width`. Eight tiles at a time as
    /// vectors (the four columns interleaved on the store), the rest one by one.
    private static func transformOutput6(
        _ m: UnsafeMutablePointer<Float>, step: Int, tiles: Int, width w: Int,
        onto top: UnsafeMutablePointer<Float>, rows: Int, _ place: Placement
    ) {
        var tx = 0
        // Columns of A^T M (one per j) go through a small buffer, then each output row across them by A: the 36
        // vectors of a block at once would not fit the registers.
        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 24) { columns in
            while tx + 8 <= w / 4 {
                let p = m + tx
                for j in 0 ..< 6 {
                    let c = outputTransform(
                        SIMD8.load(p + j * step), .load(p + (6 + j) * step), .load(p + (12 + j) * step),
                        .load(p + (18 + j) * step), .load(p + (24 + j) * step), .load(p + (30 + j) * step))
                    (columns[j], columns[6 + j], columns[12 + j], columns[18 + j]) = c
                }
                for r in 0 ..< rows {
                    let q = columns.baseAddress! + 6 * r
                    let y = outputTransform(q[0], q[1], q[2], q[3], q[4], q[5])
                    let b = place.bias
                    let (y0, y1, y2, y3) = (y.0 + b, y.1 + b, y.2 + b, y.3 + b)
                    // Four columns of eight tiles, interleaved onto the row.
                    let line = top + r * w + 4 * tx
                    if place.storing {
                        for i in 0 ..< 8 {
                            (line[4 * i], line[4 * i + 1], line[4 * i + 2], line[4 * i + 3]) = (
                                y0[i], y1[i], y2[i], y3[i]
                            )
                        }
                    } else {
                        for i in 0 ..< 8 {
                            line[4 * i] += y0[i]
                            line[4 * i + 1] += y1[i]
                            line[4 * i + 2] += y2[i]
                            line[4 * i + 3] += y3[i]
                        }
                    }
                }
                tx += 8
            }
        }
        for tx in tx ..< tiles {
            let p = m + tx
            func column(_ j: Int) -> (Float, Float, Float, Float) {
                outputTransform(
                    p[j * step], p[(6 + j) * step], p[(12 + j) * step], p[(18 + j) * step], p[(24 + j) * step],
                    p[(30 + j) * step])
            }
            let (c0, c1, c2, c3, c4, c5) = (column(0), column(1), column(2), column(3), column(4), column(5))
            let y = [
                outputTransform(c0.0, c1.0, c2.0, c3.0, c4.0, c5.0),
                outputTransform(c0.1, c1.1, c2.1, c3.1, c4.1, c5.1),
                outputTransform(c0.2, c1.2, c2.2, c3.2, c4.2, c5.2),
                outputTransform(c0.3, c1.3, c2.3, c3.3, c4.3, c5.3),
            ]
            let x = 4 * tx
            for r in 0 ..< rows {
                let line = top + r * w
                for (l, value) in [y[r].0, y[r].1, y[r].2, y[r].3].enumerated() where x + l < w {
                    place.put(value, at: line + x + l)
                }
            }
        }
    }
}

/// One lane of the Winograd transforms: a float, or eight tiles as a vector, so each transform is written once.
protocol WinogradLane {
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Float, rhs: Self) -> Self
}

extension Float: WinogradLane {}
extension SIMD8: WinogradLane where Scalar == Float {}
