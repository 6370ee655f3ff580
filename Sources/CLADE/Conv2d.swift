import CBLAS

/// A 2-D convolution (cross-correlation, as PyTorch's `nn.Conv2d`) with zero padding.
///
/// - weight: `[out, in, kh, kw]`; bias: `[out]` or none.
/// - input `[in, H, W]` -> output `[out, Ho, Wo]`, `Ho = (H + 2 padding - kh) / stride + 1` (likewise `Wo`).
///
/// Computed as one matrix product per tile of output rows: the tile's im2col matrix `[in*kh*kw, rows*Wo]`
/// is built in the workspace and multiplied by the weight matrix `[out, in*kh*kw]` with `cblas_sgemm`, writing
/// straight into the output rows. Tiles hold about `im2colBudget` floats (at least `minimumColumns` output
/// pixels), so the buffer stays bounded whatever the resolution. Where there are several tiles, each of the
/// engine's threads takes tile after tile and runs im2col and single-threaded sgemm on its own (the tile stays in
/// that core's cache); otherwise all threads build a tile and share its product (`MatrixProduct`).
/// A 1x1 convolution with stride 1 multiplies the input itself, with no copy. 3x3 convolutions with stride 1 and
/// padding 1 that run on maps of at least 16x16 at the model's size run as Winograd F(4x4, 3x3) or F(2x2, 3x3)
/// (`Winograd`) at every size, and keep only their transformed weights. The input may be a CLADE norm's output not
/// stored yet (`Input.modulated`): the Winograd and 1x1 paths have the norm write the rows they read into their own
/// buffers.
public struct Conv2d: Sendable {
    /// `[out, in, kh, kw]`.
    public let weightShape: [Int]
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int
    /// The Winograd form, if the convolution has one; then `weight` is nil: the F32 weights are not kept beside the
    /// transformed ones (for the bundled model's 16x16 blocks they would be 38 MB more, past its peak-memory limit).
    let winograd: Winograd?
    /// PyTorch's weight, the matrix `[out, in*kh*kw]` that im2col's columns (or the input itself, 1x1) multiply; nil
    /// beside a Winograd form. Two optionals, not an enum of the two: a multi-payload enum keeps its case in spare
    /// bits of the pointers, which hides the buffers from LeakSanitizer's scan at exit (reported as leaks).
    private let weight: Tensor?

    /// Most weights for which a 3x3 convolution takes a Winograd form, F(2x2, 3x3) (16/9 of the weights, 128 MiB at
    /// this limit): ngf 64's middle blocks (9.4M weights a convolution at 16x16: 41 -> 25-26 ms a block, peak RSS
    /// 420 -> 523 MiB of its 544 MiB limit, the F32 weights being freed as the forms are built).
    static let winogradWeightLimit = 1 << 24
    /// Most weights for which the Winograd form on maps of at least `winogradF4MinimumPixels` is F(4x4, 3x3) (36/9 of
    /// the weights, 1.8x fewer multiplies than F(2x2, 3x3)); up to `winogradF4WideWeightLimit` on maps of at least
    /// `winogradF4WidePixels`; otherwise F(2x2, 3x3). Keeps the bundled model's up_0 conv_0 (1.2M weights at 32x32)
    /// at F(2x2): F(4x4) there took the peak RSS from 175 to 190 MiB (limit 200) for no gain that alternated runs
    /// could tell from their spread, its products having only 64 tiles (docs/performance.md).
    static let winogradF4WeightLimit = 1 << 20
    /// Most weights of an F(4x4, 3x3) form on maps of `winogradF4WidePixels` and more (32 MiB of transformed
    /// weights): ngf 64's up_1 conv_0 (1.2M weights at 64x64, 256 tiles a product).
    static let winogradF4WideWeightLimit = 1 << 21
    static let winogradF4WidePixels = 64 * 64
    /// Fewest pixels for F(4x4, 3x3): on 16x16 its products would have 16 tiles as columns, F(2x2)'s have 64.
    static let winogradF4MinimumPixels = 32 * 32
    /// Fewest output pixels at the model's size for a Winograd form. On 8x8 maps (64 tiles of F(2x2) would be 16)
    /// im2col's products are as fast; from 16x16 F(2x2) takes the bundled model's middle blocks (512 channels) from
    /// 11.5-12 to 7.7-8.2 ms each (docs/performance.md).
    static let winogradMinimumPixels = 16 * 16

    /// Target im2col tile per thread, in floats (2 MiB): measured (single-threaded sgemm per thread, 2 threads) at
    /// 130-160 GFLOP/s for 256- to 1024-pixel tiles of the 128^2 and 256^2 layers, slower above 4096 pixels, as
    /// the tile stays in the core's cache between im2col and sgemm's packing.
    static let im2colBudget = 1 << 19
    /// Fewest output columns per tile (where the image has them): narrower products run sgemm far below its peak.
    /// With the budget this bounds a tile by `max(budget, K * minimumColumns)` floats at any resolution.
    static let minimumColumns = 512
    /// Fewest im2col tiles for which threads take whole tiles (else each tile is shared by all threads).
    static let minimumThreadTiles = 2
    /// Fewest floats per thread in element-wise passes: below this, handing work to another thread costs more than it saves.
    static let elementGrain = 1 << 14

    /// - mapPixels: the pixels of the maps it runs on at the model's size (nil: any size); only a convolution on
    ///   maps of at least `winogradMinimumPixels` takes a Winograd form.
    public init(weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0, mapPixels: Int? = nil) {
        precondition(weight.shape.count == 4, "conv weight must be [out, in, kh, kw], got \(weight.shape)")
        precondition(bias == nil || bias!.shape == [weight.shape[0]], "conv bias must be [\(weight.shape[0])]")
        weightShape = weight.shape
        self.bias = bias
        self.stride = stride
        self.padding = padding
        let isWinogradShape = weight.shape[2] == 3 && weight.shape[3] == 3 && stride == 1 && padding == 1
        let pixels = mapPixels ?? Self.winogradMinimumPixels
        guard isWinogradShape && weight.count <= Self.winogradWeightLimit && pixels >= Self.winogradMinimumPixels
        else {
            (self.weight, winograd) = (weight, nil)
            return
        }
        let isF4 =
            (mapPixels ?? Self.winogradF4MinimumPixels) >= Self.winogradF4MinimumPixels
            && (weight.count <= Self.winogradF4WeightLimit
                || (weight.count <= Self.winogradF4WideWeightLimit && mapPixels ?? 0 >= Self.winogradF4WidePixels))
        (self.weight, winograd) = (nil, Winograd(weight: weight, tile: isF4 ? .four : .two))
    }

    public var outputChannels: Int { weightShape[0] }
    public var inputChannels: Int { weightShape[1] }
    public var kernelHeight: Int { weightShape[2] }
    public var kernelWidth: Int { weightShape[3] }

    /// Output size for an input of `height` x `width`.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * padding - kernelHeight) / stride + 1, (width + 2 * padding - kernelWidth) / stride + 1)
    }

    /// What a convolution reads: a stored feature map `[in, H, W]`, or a CLADE norm's output, whose rows the
    /// Winograd and 1x1 paths compute as they read them (elsewhere it is stored first).
    enum Input {
        case stored(Tensor)
        case modulated(ModulatedFeatures)

        var shape: [Int] {
            switch self {
            case .stored(let x): x.shape
            case .modulated(let features): [features.channels, features.height, features.width]
            }
        }
    }

    /// Convolves `x` `[in, H, W]` into a new `[out, Ho, Wo]` tensor.
    public func callAsFunction(_ x: Tensor, workspace: Workspace? = nil) -> Tensor {
        self(.stored(x), workspace: workspace)
    }

    /// Convolves `x` into a new `[out, Ho, Wo]` tensor; a norm's output is not stored where the path allows.
    func callAsFunction(_ x: Input, workspace: Workspace?) -> Tensor {
        let size = outputSize(height: x.shape[1], width: x.shape[2])
        let pixels = size.height * size.width
        if let winograd {
            // Every output value is stored by the output transform, with its bias: the tensor starts uninitialised.
            return Tensor(shape: [outputChannels, size.height, size.width]) { output in
                convolve(
                    x, with: winograd, into: output.baseAddress!, addingBias: true, storing: true,
                    workspace: workspace ?? Workspace(), parts: Parallel.threads, wholeMapBudget: nil)
            }
        }
        // The output starts as the bias (or zeros), written once; the product is then added onto it.
        var out = Tensor(shape: [outputChannels, size.height, size.width]) { output in
            let output = output.baseAddress!
            Parallel.forEach(outputChannels, grain: max(1, Self.elementGrain / pixels)) { channels in
                for o in channels { (output + o * pixels).initialize(repeating: bias?.data[o] ?? 0, count: pixels) }
            }
        }
        accumulate(x, into: &out, workspace: workspace, addingBias: false)
        return out
    }

    /// Adds the convolution of `x` `[in, H, W]` (and the bias) to `out` `[out, Ho, Wo]`.
    /// Residual blocks use this to sum the shortcut and the main branch without another pass.
    public func accumulate(_ x: Tensor, into out: inout Tensor, workspace: Workspace? = nil) {
        accumulate(.stored(x), into: &out, workspace: workspace, addingBias: true)
    }

    /// `accumulate` with explicit tile sizes, thread count and whole-map budget (tests use small ones to exercise
    /// tiling, the split over threads and every path; nil: the layer's `Winograd.wholeMapLimit`); `addingBias` false
    /// when `out` already holds the bias.
    func accumulate(
        _ input: Input, into out: inout Tensor, workspace: Workspace?, addingBias: Bool = true,
        tileBudget: Int = im2colBudget, minimumColumns: Int = minimumColumns,
        parts: Int = Parallel.threads, wholeMapBudget: Int? = nil
    ) {
        let shape = input.shape
        precondition(
            shape.count == 3 && shape[0] == inputChannels, "conv expects [\(inputChannels), H, W], got \(shape)")
        let (h, w) = (shape[1], shape[2])
        let (outH, outW) = outputSize(height: h, width: w)
        precondition(
            out.shape == [outputChannels, outH, outW],
            "conv output must be [\(outputChannels), \(outH), \(outW)], got \(out.shape)")
        let pixels = outH * outW
        let k = inputChannels * kernelHeight * kernelWidth
        let workspace = workspace ?? Workspace()
        let isPointwise = kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padding == 0
        guard let weight else {
            // No F32 weights: the Winograd form (init keeps one of the two).
            out.data.withUnsafeMutableBufferPointer { output in
                convolve(
                    input, with: winograd!, into: output.baseAddress!, addingBias: addingBias, storing: false,
                    workspace: workspace, parts: parts, wholeMapBudget: wholeMapBudget)
            }
            return
        }
        let x: Tensor
        switch input {
        case .stored(let stored): x = stored
        case .modulated(let features) where !isPointwise: x = features.stored()
        case .modulated(let features):
            out.data.withUnsafeMutableBufferPointer { output in
                weight.data.withUnsafeBufferPointer { weights in
                    let dst = output.baseAddress!
                    if addingBias { addBias(onto: dst, pixels: pixels) }
                    // 1x1: bands of rows (at least eight where the map has them, to spread over the threads), each
                    // computed for every channel into this thread's buffer and multiplied while it is in the core's
                    // cache. The bands depend on the shapes only.
                    let rowsPerBand = max(1, min(h / 8, tileBudget / (inputChannels * w)))
                    let bands = (h + rowsPerBand - 1) / rowsPerBand
                    let bandFloats = inputChannels * rowsPerBand * w
                    let buffers = workspace.buffer(count: min(parts, bands) * bandFloats)
                    Parallel.forEachItem(bands, workers: parts) { worker, band in
                        let rows = band * rowsPerBand ..< min(h, (band + 1) * rowsPerBand)
                        let n = rows.count * w
                        let columns = buffers + worker * bandFloats
                        for channel in 0 ..< inputChannels {
                            features.write(channel: channel, rows: rows, into: columns + channel * n)
                        }
                        cblas_sgemm(
                            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(outputChannels), Int32(n),
                            Int32(inputChannels), 1, weights.baseAddress!, Int32(inputChannels), columns, Int32(n),
                            1, dst + rows.lowerBound * w, Int32(pixels))
                    }
                }
            }
            return
        }

        x.data.withUnsafeBufferPointer { input in
            weight.data.withUnsafeBufferPointer { weights in
                out.data.withUnsafeMutableBufferPointer { output in
                    let src = input.baseAddress!
                    let dst = output.baseAddress!
                    if addingBias { addBias(onto: dst, pixels: pixels) }
                    if isPointwise {
                        MatrixProduct.accumulate(
                            m: outputChannels, n: pixels, k: k, a: weights.baseAddress!, lda: k,
                            b: src, ldb: pixels, c: dst, ldc: pixels)
                        return
                    }
                    let minimumRows = (minimumColumns + outW - 1) / outW
                    let rowsPerTile = min(outH, max(1, minimumRows, tileBudget / max(1, k * outW)))
                    let tileCount = (outH + rowsPerTile - 1) / rowsPerTile
                    if tileCount >= Self.minimumThreadTiles {
                        // Each thread takes tile after tile: im2col of a tile, then its product, while the tile is
                        // still in this core's cache; threads meet only at the end of the layer. The tiles depend
                        // on the shapes only, so the result does not depend on the thread count.
                        let parts = min(parts, tileCount)
                        let tileFloats = k * rowsPerTile * outW
                        let buffers = workspace.buffer(count: parts * tileFloats)
                        Parallel.forEachItem(tileCount, workers: parts) { worker, tile in
                            let columns = buffers + worker * tileFloats
                            let firstRow = tile * rowsPerTile
                            let rows = min(rowsPerTile, outH - firstRow)
                            im2col(
                                src, height: h, width: w, firstRow: firstRow, rows: rows, outWidth: outW,
                                channels: 0 ..< inputChannels, into: columns)
                            cblas_sgemm(
                                CblasRowMajor, CblasNoTrans, CblasNoTrans,
                                Int32(outputChannels), Int32(rows * outW), Int32(k), 1,
                                weights.baseAddress!, Int32(k), columns, Int32(rows * outW), 1,
                                dst + firstRow * outW, Int32(pixels))
                        }
                        return
                    }
                    // Few tiles (small maps): each built by all threads, its product cut into pieces (`MatrixProduct`).
                    let columns = workspace.buffer(count: k * rowsPerTile * outW)
                    var firstRow = 0
                    while firstRow < outH {
                        let rows = min(rowsPerTile, outH - firstRow)
                        let n = rows * outW
                        let rowsPerChannel = kernelHeight * kernelWidth * n
                        Parallel.forEach(inputChannels, grain: max(1, Self.elementGrain / rowsPerChannel)) { channels in
                            im2col(
                                src, height: h, width: w, firstRow: firstRow, rows: rows, outWidth: outW,
                                channels: channels, into: columns + channels.lowerBound * rowsPerChannel)
                        }
                        MatrixProduct.accumulate(
                            m: outputChannels, n: n, k: k, a: weights.baseAddress!, lda: k,
                            b: columns, ldb: n, c: dst + firstRow * outW, ldc: pixels)
                        firstRow += rows
                    }
                }
            }
        }
    }

    /// The Winograd path: the convolution of `input`, with the bias when `addingBias`, put onto `output` `[out, H, W]`:
    /// added, or stored in place of its contents (`storing`). A norm's output is made row by row as the input
    /// transform reads it.
    private func convolve(
        _ input: Input, with winograd: Winograd, into output: UnsafeMutablePointer<Float>, addingBias: Bool,
        storing: Bool, workspace: Workspace, parts: Int, wholeMapBudget: Int?
    ) {
        let (h, w) = (input.shape[1], input.shape[2])
        let plan = winograd.plan(width: w, height: h, wholeMapBudget: wholeMapBudget ?? winograd.wholeMapLimit)
        let scratch = workspace.buffer(count: winograd.scratchFloats(width: w, height: h, plan: plan, parts: parts))
        func run(_ rows: Winograd.InputRows) {
            func run(bias: UnsafePointer<Float>?) {
                winograd.accumulate(
                    rows, height: h, width: w, into: output, bias: bias, storing: storing, scratch: scratch,
                    plan: plan, parts: parts)
            }
            if addingBias, let bias {
                bias.data.withUnsafeBufferPointer { run(bias: $0.baseAddress) }
            } else {
                run(bias: nil)
            }
        }
        switch input {
        case .stored(let x):
            x.data.withUnsafeBufferPointer { src in
                run { channel, rows, _ in src.baseAddress! + (channel * h + rows.lowerBound) * w }
            }
        case .modulated(let features):
            run { channel, rows, scratch in
                features.write(channel: channel, rows: rows, into: scratch)
                return UnsafePointer(scratch)
            }
        }
    }

    /// Adds the bias (if any) to every pixel of each output channel of `output` `[out, pixels]`.
    private func addBias(onto output: UnsafeMutablePointer<Float>, pixels: Int) {
        guard let bias else { return }
        bias.data.withUnsafeBufferPointer { bias in
            Parallel.forEach(outputChannels, grain: max(1, Self.elementGrain / pixels)) { channels in
                for o in channels {
                    let b = bias[o]
                    let row = output + o * pixels
                    for i in 0 ..< pixels { row[i] += b }
                }
            }
        }
    }

    /// Fills the rows of input channels `channels` of the im2col matrix `[in*kh*kw, rows*Wo]` for output rows
    /// `firstRow ..< firstRow + rows`, starting at `columns` (the row of `(channels.lowerBound, 0, 0)`):
    /// row `(c, ky, kx)`, column `(y, x)` holds `input[c, y*stride - padding + ky, x*stride - padding + kx]` (0 outside).
    private func im2col(
        _ input: UnsafePointer<Float>, height h: Int, width w: Int, firstRow: Int, rows: Int,
        outWidth outW: Int, channels: Range<Int>, into columns: UnsafeMutablePointer<Float>
    ) {
        let n = rows * outW
        var target = columns
        for c in channels {
            let plane = input + c * h * w
            for ky in 0 ..< kernelHeight {
                for kx in 0 ..< kernelWidth {
                    // Output columns whose source column lies inside the image: x*stride - padding + kx in 0..<w.
                    let xBegin = min(outW, max(0, (padding - kx + stride - 1) / stride))
                    let lastSource = w - 1 + padding - kx
                    let xEnd = lastSource < 0 ? xBegin : max(xBegin, min(outW, lastSource / stride + 1))
                    for r in 0 ..< rows {
                        let line = target + r * outW
                        let y = (firstRow + r) * stride - padding + ky
                        guard y >= 0 && y < h else {
                            line.update(repeating: 0, count: outW)
                            continue
                        }
                        line.update(repeating: 0, count: xBegin)
                        let source = plane + y * w - padding + kx
                        if stride == 1 {
                            (line + xBegin).update(from: source + xBegin, count: xEnd - xBegin)
                        } else {
                            for x in xBegin ..< xEnd { line[x] = source[x * stride] }
                        }
                        (line + xEnd).update(repeating: 0, count: outW - xEnd)
                    }
                    target += n
                }
            }
        }
    }
}
