/// The output of a CLADE norm, `[C (+1), H, W]`, made on demand a channel's rows at a time: the convolution after the
/// norm asks for the rows it is about to read, so on large maps the modulated map is never stored whole (at 256x256
/// with 65 channels it would be 17 MB written and read back; docs/performance.md, "Fused norms").
///
/// The norm reads `source` through a nearest x2 upsampling when `upsampled` (`[C, H/2, W/2]`, else `[C, H, W]`) and
/// applies LeakyReLU after it when given a slope; channel C (with instance edges) is `inst_conv(edge)`. Every row is
/// computed by the same arithmetic whichever way it is asked for, so a convolution of the rows made on demand draws
/// the same bits as one of the stored map.
struct ModulatedFeatures {
    let norm: CLADENorm
    let source: Tensor
    let maps: SemanticMaps
    let upsampled: Bool
    /// max(v, slope * v) is LeakyReLU for 0 <= slope < 1, and the identity for slope 1.
    let slope: Float
    /// Instance norm: this input's per-channel statistics; nil with a batch norm (folded into the banks).
    let statistics: (scale: [Float], shift: [Float])?
    /// ICPE factors, one per pixel and shared by all channels: (1 + dist_conv_w(P)), (1 + dist_conv_b(P)); empty
    /// without ICPE.
    let gammaFactor: [Float]
    let betaFactor: [Float]

    init(norm: CLADENorm, source x: Tensor, maps: SemanticMaps, upsampled: Bool, leakySlope: Float?) {
        let step = upsampled ? 1 : 0
        precondition(
            x.channels == norm.channels && x.height << step == maps.height && x.width << step == maps.width,
            "CLADE norm of \(norm.channels) channels got \(x.shape) (upsampled: \(upsampled)) and maps \(maps.height)x\(maps.width)"
        )
        precondition(norm.edgeConv == nil || maps.edges != nil, "CLADE norm with inst_conv needs an edge map")
        self.norm = norm
        source = x
        self.maps = maps
        self.upsampled = upsampled
        slope = leakySlope ?? 1
        // Instance statistics of a nearest x2 upsampling equal those of its source, so they are taken from `x`.
        statistics = if case .instance = norm.paramFreeNorm { norm.paramFreeNorm.affine(for: x) } else { nil }
        if let (convW, convB) = norm.distanceConvs {
            let pixels = maps.height * maps.width
            let p = maps.distances ?? [Float](repeating: 0, count: 2 * pixels)
            gammaFactor = (0 ..< pixels).map { 1 + convW(p[$0], p[pixels + $0]) }
            betaFactor = (0 ..< pixels).map { 1 + convB(p[$0], p[pixels + $0]) }
        } else {
            (gammaFactor, betaFactor) = ([], [])
        }
    }

    var channels: Int { norm.outputChannels }
    var height: Int { maps.height }
    var width: Int { maps.width }

    /// The whole map, channels in parallel.
    func stored() -> Tensor {
        let pixels = height * width
        // Every value is written, so the tensor starts uninitialised.
        return Tensor(shape: [channels, height, width]) { output in
            let output = output.baseAddress!
            Parallel.forEach(channels, grain: max(1, Conv2d.elementGrain / pixels)) { range in
                for c in range { write(channel: c, rows: 0 ..< height, into: output + c * pixels) }
            }
        }
    }

    /// Writes rows `rows` of channel `c` to `target`, row y at `target + (y - rows.lowerBound) * width`.
    func write(channel c: Int, rows: Range<Int>, into target: UnsafeMutablePointer<Float>) {
        let width = width
        if c == norm.channels {
            guard let edgeConv = norm.edgeConv, let edges = maps.edges else {
                preconditionFailure("channel \(c) of a CLADE norm of \(norm.channels) channels without instance edges")
            }
            for (index, i) in (rows.lowerBound * width ..< rows.upperBound * width).enumerated() {
                let v = edgeConv.weight * edges[i] + edgeConv.bias
                target[index] = max(v, v * slope)
            }
            return
        }
        let step = upsampled ? 1 : 0
        let classCount = norm.classCount
        let sourceWidth = source.width
        let chunks = maps.classChunks
        let slope = slope
        let statistics = statistics
        let hasDistances = norm.distanceConvs != nil
        // Raw pointers keep the per-pixel gather free of bounds checks.
        source.data.withUnsafeBufferPointer { input in
            maps.classes.withUnsafeBufferPointer { classes in
                chunks.classes.withUnsafeBufferPointer { chunkClasses in
                    norm.scaleBank.withUnsafeBufferPointer { scaleBank in
                        norm.shiftBank.withUnsafeBufferPointer { shiftBank in
                            norm.betaBank.withUnsafeBufferPointer { betaBank in
                                gammaFactor.withUnsafeBufferPointer { gammaFactor in
                                    betaFactor.withUnsafeBufferPointer { betaFactor in
                                        let (classes, chunkClasses) = (classes.baseAddress!, chunkClasses.baseAddress)
                                        // Nil without ICPE (an empty array's base address need not be nil).
                                        let (gammaFactor, betaFactor) =
                                            hasDistances
                                            ? (gammaFactor.baseAddress, betaFactor.baseAddress) : (nil, nil)
                                        let source = input.baseAddress! + c * source.height * sourceWidth
                                        let scaleRow = scaleBank.baseAddress! + c * classCount
                                        let betaRow = betaBank.baseAddress! + c * classCount
                                        let shiftRow = statistics == nil ? shiftBank.baseAddress! + c * classCount : nil
                                        for y in rows {
                                            let line = source + (y >> step) * sourceWidth
                                            let row = y * width
                                            let out = target + (y - rows.lowerBound) * width
                                            // Pixels one by one (where the class changes within a chunk, and with
                                            // instance statistics).
                                            func pixels(_ columns: Range<Int>) {
                                                if let statistics {
                                                    // Instance norm: (x * a + b) * gamma' + beta' with this input's
                                                    // statistics.
                                                    let (a, b) = (statistics.scale[c], statistics.shift[c])
                                                    for i in columns {
                                                        let p = row + i
                                                        let k = Int(classes[p])
                                                        let (g, e) =
                                                            if let gammaFactor, let betaFactor {
                                                                (
                                                                    scaleRow[k] * gammaFactor[p],
                                                                    betaRow[k] * betaFactor[p]
                                                                )
                                                            } else {
                                                                (scaleRow[k], betaRow[k])
                                                            }
                                                        let v = (line[i >> step] * a + b) * g + e
                                                        out[i] = max(v, v * slope)
                                                    }
                                                } else if let gammaFactor, let betaFactor {
                                                    // (x * a + b) * gamma[k] * fg + beta[k] * fb
                                                    //   = (x * scale[k] + shift[k]) * fg + beta[k] * fb.
                                                    for i in columns {
                                                        let p = row + i
                                                        let k = Int(classes[p])
                                                        let v =
                                                            (line[i >> step] * scaleRow[k] + shiftRow![k])
                                                            * gammaFactor[p] + betaRow[k] * betaFactor[p]
                                                        out[i] = max(v, v * slope)
                                                    }
                                                } else {
                                                    // Batch norm folded into the banks: x * scale[k] + shift[k].
                                                    for i in columns {
                                                        let p = row + i
                                                        let k = Int(classes[p])
                                                        let v = line[i >> step] * scaleRow[k] + shiftRow![k]
                                                        out[i] = max(v, v * slope)
                                                    }
                                                }
                                            }
                                            guard statistics == nil, let chunkClasses else {
                                                pixels(0 ..< width)
                                                continue
                                            }
                                            // Chunks of 8 pixels: the same arithmetic on 8 pixels at once, with the
                                            // bank values broadcast where the chunk is one class.
                                            // Chunks where the class changes take each lane's bank values one
                                            // by one, then the same vector arithmetic.
                                            for chunk in 0 ..< chunks.chunksPerRow {
                                                let i = chunk * ClassChunks.size
                                                let k = Int(chunkClasses[y * chunks.chunksPerRow + chunk])
                                                let p = row + i
                                                var (scale, shift, beta) = (
                                                    SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>()
                                                )
                                                if k >= 0 {
                                                    (scale, shift, beta) = (
                                                        SIMD8(repeating: scaleRow[k]), SIMD8(repeating: shiftRow![k]),
                                                        SIMD8(repeating: betaRow[k])
                                                    )
                                                } else {
                                                    for lane in 0 ..< ClassChunks.size {
                                                        let k = Int(classes[p + lane])
                                                        (scale[lane], shift[lane], beta[lane]) = (
                                                            scaleRow[k], shiftRow![k], betaRow[k]
                                                        )
                                                    }
                                                }
                                                let value =
                                                    step == 0
                                                    ? SIMD8<Float>.load(line + i)
                                                    : SIMD8<Float>.doubling(line + (i >> 1))
                                                var v = value * scale + shift
                                                if let gammaFactor, let betaFactor {
                                                    v =
                                                        v * SIMD8<Float>.load(gammaFactor + p) + beta
                                                        * SIMD8<Float>.load(betaFactor + p)
                                                }
                                                // max(v, v * slope) as a blend: the generic pointwiseMax runs lane by
                                                // lane.
                                                let scaled = v * slope
                                                v.replace(with: scaled, where: scaled .> v)
                                                v.store(at: out + i)
                                            }
                                            pixels(chunks.chunksPerRow * ClassChunks.size ..< width)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
