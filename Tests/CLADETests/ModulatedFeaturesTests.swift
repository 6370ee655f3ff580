import Testing

@testable import CLADE

@Suite("ModulatedFeatures")
struct ModulatedFeaturesTests {
    /// A CLADE norm of 5 channels over 4 classes with instance edges: a batch norm with ICPE, or an instance norm.
    static func features(instance: Bool, upsampled: Bool, height h: Int = 20, width w: Int = 36) -> ModulatedFeatures {
        var random = TestRandom(seed: instance ? 3 : 4)
        let (channels, classes) = (5, 4)
        let maps = SemanticMaps(
            classCount: classes, height: h, width: w,
            // Runs of one class (whole chunks of 8) with changes inside some chunks.
            classes: (0 ..< h * w).map { Int32(($0 % w) / 11 + ($0 / w) / 7) % Int32(classes) },
            edges: (0 ..< h * w).map { Float($0 % 5 == 0 ? 1 : 0) }, distances: random.tensor([2, h, w]).data)
        let norm = CLADENorm(
            paramFreeNorm: instance
                ? .instance
                : ParamFreeNorm(
                    runningMean: random.tensor([channels]), runningVar: random.tensor([channels], 0.5 ... 2)),
            gamma: random.tensor([classes, channels], 0 ... 1), beta: random.tensor([classes, channels]),
            distanceConvs: instance
                ? nil
                : (
                    .init(weight: random.tensor([1, 2, 1, 1]), bias: random.tensor([1])),
                    .init(weight: random.tensor([1, 2, 1, 1]), bias: random.tensor([1]))
                ),
            edgeConv: .init(weight: Tensor(shape: [1, 1, 1, 1], data: [0.7]), bias: Tensor(shape: [1], data: [-0.2])))
        let step = upsampled ? 1 : 0
        let x = random.tensor([channels, h >> step, w >> step], -2 ... 2)
        return norm.modulated(x, maps, upsampled: upsampled, leakySlope: 0.2)
    }

    @Test(
        "rows made on demand are the rows of the stored output", arguments: [false, true], [false, true])
    func rows(instance: Bool, upsampled: Bool) {
        let features = Self.features(instance: instance, upsampled: upsampled)
        let stored = features.stored()
        #expect(stored.shape == [6, 20, 36])
        let (h, w) = (features.height, features.width)
        for rows in [0 ..< h, 3 ..< 7, 19 ..< 20] {
            for channel in 0 ..< features.channels {
                let made = [Float](unsafeUninitializedCapacity: rows.count * w) { buffer, count in
                    features.write(channel: channel, rows: rows, into: buffer.baseAddress!)
                    count = rows.count * w
                }
                let start = (channel * h + rows.lowerBound) * w
                #expect(made == Array(stored.data[start ..< start + rows.count * w]), "channel \(channel) rows \(rows)")
            }
        }
    }

    /// Winograd (whole map and chunks) reads the same values either way and multiplies the same shapes, so the bits
    /// agree; the 1x1 bands multiply other shapes than the stored path's pieces, so they agree within rounding.
    @Test(
        "convolutions of rows made on demand draw what they draw from the stored output",
        arguments: [
            (3, true, 1 << 30, 20, 36), (3, true, 0, 64, 40), (3, true, 0, 23, 37), (1, true, 0, 20, 36),
            (1, true, 0, 64, 40), (3, false, 0, 20, 36),
        ])
    func convolutions(kernel: Int, winograd: Bool, wholeMapBudget: Int, height: Int, width: Int) {
        let features = Self.features(
            instance: false, upsampled: height % 2 == 0 && width % 2 == 0, height: height, width: width)
        var random = TestRandom(seed: 9)
        let weight = random.tensor([4, features.channels, kernel, kernel])
        // Maps of one pixel at the model's size take no Winograd form: the im2col path.
        let conv = Conv2d(weight: weight, bias: random.tensor([4]), padding: kernel / 2, mapPixels: winograd ? nil : 1)
        let start = random.tensor([4, height, width])
        let outputs = [Conv2d.Input.modulated(features), .stored(features.stored())].map { input in
            var out = start
            conv.accumulate(
                input, into: &out, workspace: Workspace(), tileBudget: 5 * 8 * width, wholeMapBudget: wholeMapBudget)
            return out
        }
        if kernel == 3 {
            #expect(outputs[0] == outputs[1])
        } else {
            #expect(outputs[0].maxAbsDifference(to: outputs[1]) < 1e-5)
        }
        let direct = referenceConv2d(features.stored(), weight: weight, bias: conv.bias, padding: kernel / 2)
        for i in direct.data.indices { #expect(abs(outputs[0].data[i] - (start.data[i] + direct.data[i])) < 5e-5) }
    }
}
