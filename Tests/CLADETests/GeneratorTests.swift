import Foundation
import Testing

@testable import CLADE

@Suite("Generator")
struct GeneratorTests {
    @Test("fixtures are present")
    func fixturesPresent() {
        #expect(
            Fixtures.names.count >= 6,
            "expected the parity fixtures of Training/make_fixtures.py in \(Fixtures.folder.path)")
    }

    @Test("half-size fixtures are present")
    func halfSizeFixturesPresent() {
        #expect(
            Fixtures.halfSizeNames.count >= 2,
            "expected the half-size fixtures of Training/make_fixtures.py in \(Fixtures.folder.path)")
    }

    @Test("fixtures at another multiple of 2^n are present")
    func resizedFixturesPresent() {
        #expect(
            Fixtures.resizedNames.count >= 1,
            "expected the resized fixtures of Training/make_fixtures.py in \(Fixtures.folder.path)")
    }

    /// Every stage (`fc`, each block, `conv_img`) within 1e-4 * max(1, max|ref|), the image within 1e-4.
    @Test("matches the PyTorch reference at every block", arguments: Fixtures.names)
    func parity(name: String) throws {
        try checkParity(name: name, model: try Fixtures.model(name), io: try Fixtures.io(name))
    }

    /// The same at half the model's size: the style model's fc map average-pooled by 2, smaller maps throughout.
    @Test("matches the PyTorch reference at half size", arguments: Fixtures.halfSizeNames)
    func halfSizeParity(name: String) throws {
        let model = try Fixtures.model(name)
        let io = try Fixtures.halfSizeIO(name)
        let labels = try Fixtures.labels(io)
        #expect(labels.width * 2 == model.config.width && labels.height * 2 == model.config.height)
        try checkParity(name: "\(name) (half)", model: model, io: io)
    }

    /// A model without a style encoder at another multiple of 2^n than its size: the head reads the map at 1/2^n.
    @Test("matches the PyTorch reference at another multiple of 2^n", arguments: Fixtures.resizedNames)
    func resizedParity(name: String) throws {
        let model = try Fixtures.model(name)
        let io = try Fixtures.resizedIO(name)
        let labels = try Fixtures.labels(io)
        #expect(!model.config.useVAE && (labels.width != model.config.width || labels.height != model.config.height))
        try checkParity(name: "\(name) (\(labels.width)x\(labels.height))", model: model, io: io)
    }

    func checkParity(name: String, model: ModelFile, io: SafeTensorsFile) throws {
        let generator = Generator(model: model)
        var observed: [String: Tensor] = [:]
        let image = try generator(try Fixtures.generatorInput(io, config: model.config)) { observed[$0] = $1 }

        let stages = io.names.filter { $0.hasPrefix("out.") }.map { String($0.dropFirst(4)) }
            .filter { !["image", "mu", "logvar"].contains($0) }
        #expect(
            Set(stages) == Set(observed.keys), "stages observed \(observed.keys.sorted()) vs fixture \(stages.sorted())"
        )
        var worstRelative: Float = 0
        var worstStage = ""
        for stage in stages {
            let reference = try io.floatTensor("out.\(stage)")
            guard let output = observed[stage] else { continue }
            #expect(output.shape == reference.shape, "\(name) \(stage)")
            guard output.shape == reference.shape else { continue }
            let error = output.maxAbsDifference(to: reference)
            let tolerance = relativeTolerance(reference)
            #expect(error <= tolerance, "\(name) \(stage): max abs error \(error) > \(tolerance)")
            if error / tolerance * 1e-4 > worstRelative {
                (worstRelative, worstStage) = (error / tolerance * 1e-4, stage)
            }
        }
        let reference = try io.floatTensor("out.image")
        let imageError = image.maxAbsDifference(to: reference)
        #expect(imageError <= 1e-4, "\(name): image max abs error \(imageError)")
        print(
            "parity \(name): image max abs error \(imageError); worst stage \(worstStage) error \(worstRelative) x max(1, max|ref|)"
        )
    }

    /// The whole Swift path: painted grid -> label upsampling, edge map, distance map, seeded style -> image.
    @Test("from the painted grid to the picture, all in Swift", arguments: Fixtures.names)
    func endToEnd(name: String) throws {
        try checkEndToEnd(name: name, model: try Fixtures.model(name), io: try Fixtures.io(name))
    }

    /// The painter's draft path: the grid upsampled to half the model's size, the same seeded style.
    @Test("from the painted grid to the half-size picture, all in Swift", arguments: Fixtures.halfSizeNames)
    func halfSizeEndToEnd(name: String) throws {
        try checkEndToEnd(name: "\(name) (half)", model: try Fixtures.model(name), io: try Fixtures.halfSizeIO(name))
    }

    @Test(
        "from the painted grid to a picture at another multiple of 2^n, all in Swift", arguments: Fixtures.resizedNames)
    func resizedEndToEnd(name: String) throws {
        try checkEndToEnd(name: "\(name) (resized)", model: try Fixtures.model(name), io: try Fixtures.resizedIO(name))
    }

    func checkEndToEnd(name: String, model: ModelFile, io: SafeTensorsFile) throws {
        let config = model.config
        let target = try Fixtures.labels(io)
        let (gridShape, gridLabels) = try io.integerTensor("in.grid_labels")
        let gridInstances = try io.integerTensor("in.grid_instances").values
        let (labels, instances) = LabelUpsampling.upsample(
            labels: LabelMap(width: gridShape[1], height: gridShape[0], classes: gridLabels.map { Int32($0) }),
            instances: InstanceMap(width: gridShape[1], height: gridShape[0], ids: gridInstances.map { Int32($0) }),
            width: target.width, height: target.height)
        var style: StyleCode?
        if config.useVAE {
            let seed = try #require(io.metadata["style_seed"].flatMap { UInt64($0) }, "io metadata needs style_seed")
            style = StyleCode.random(seed: seed, count: config.zDim)
            #expect(style?.values == (try io.floatTensor("in.z").data))
        }
        let input = GeneratorInput(
            labels: labels,
            edges: config.useInstanceEdges ? EdgeMap.compute(labels: labels, instances: instances) : nil,
            distances: config.useICPE
                ? DistanceMap.compute(
                    labels: labels, instances: instances,
                    ignoredClass: config.containDontcareLabel ? Int32(config.labelNC) : nil)
                : nil,
            style: style)
        let error = try Generator(model: model)(input).maxAbsDifference(to: try io.floatTensor("out.image"))
        #expect(error <= 1e-4, "\(name): image max abs error \(error)")
    }
}

@Suite("Generator input and control")
struct GeneratorControlTests {
    static func config(
        _ architecture: ModelConfig.Architecture = .clade, norms: [ModelConfig.Normalization]? = nil,
        upsampling: ModelConfig.Upsampling = .normal, width: Int = 64, height: Int = 64,
        edges: Bool = false, icpe: Bool = false, vae: Bool = false, ngf: Int = 2
    ) -> ModelConfig {
        let count = upsampling == .most ? 8 : 7
        return ModelConfig(
            architecture: architecture,
            blockNorms: norms ?? Array(repeating: architecture == .spade ? .spade : .clade, count: count),
            ngf: ngf, numUpsamplingLayers: upsampling, width: width, height: height, labelNC: 3,
            useInstanceEdges: edges, useICPE: icpe, useVAE: vae, zDim: 8, palette: "test", classNames: ["a", "b", "c"])
    }

    static func labels(width: Int = 64, height: Int = 64) -> LabelMap {
        LabelMap(
            width: width, height: height, classes: (0 ..< (width * height)).map { Int32(($0 % width) * 3 / width) })
    }

    func inputProblem(
        _ generator: Generator, _ input: GeneratorInput, sourceLocation: SourceLocation = #_sourceLocation
    ) -> String? {
        do {
            _ = try generator(input)
            Issue.record("expected a GeneratorInputError", sourceLocation: sourceLocation)
        } catch let error as GeneratorInputError {
            return error.problem
        } catch {
            Issue.record("expected a GeneratorInputError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    @Test("the observer sees fc, every block in order, then conv_img")
    func observerOrder() throws {
        let generator = Generator(model: try ModelFile.random(config: Self.config(), seed: 1))
        var names: [String] = []
        let image = try generator(GeneratorInput(labels: Self.labels())) { name, _ in names.append(name) }
        #expect(names == ["fc"] + generator.config.blockNames + ["conv_img"])
        #expect(image.shape == [3, 64, 64])
    }

    @Test("hybrid and 'most' layouts run, in [-1, 1], deterministically")
    func otherLayouts() throws {
        let configs = [
            Self.config(
                .hybrid, norms: [.spade, .clade, .spade, .clade, .clade, .spade, .clade], edges: true, icpe: true),
            Self.config(upsampling: .most, width: 128, height: 128, edges: true),
        ]
        for config in configs {
            let generator = Generator(model: try ModelFile.random(config: config, seed: 2))
            let labels = Self.labels(width: config.width, height: config.height)
            let input = GeneratorInput(
                labels: labels,
                edges: Tensor(
                    shape: [1, config.height, config.width],
                    data: labels.classes.indices.map { Float($0 % 5 == 0 ? 1 : 0) }))
            let image = try generator(input)
            #expect(image.shape == [3, config.height, config.width])
            #expect(image.data.allSatisfy { $0 >= -1 && $0 <= 1 } && image.maxAbs > 0)
            #expect(try generator(input) == image)
        }
    }

    @Test("a model without style encoder draws any multiple of its step")
    func otherSizes() throws {
        let generator = Generator(model: try ModelFile.random(config: Self.config(), seed: 3))
        #expect(try generator(GeneratorInput(labels: Self.labels(width: 96, height: 32))).shape == [3, 32, 96])
        #expect(
            inputProblem(generator, GeneratorInput(labels: Self.labels(width: 48, height: 64)))
                == "a 48x64 picture: width and height must be positive multiples of 32 for this model (5 upsamplings)")
    }

    @Test("style models need a style code of z_dim values at their size")
    func styleRequired() throws {
        let generator = Generator(model: try ModelFile.random(config: Self.config(vae: true), seed: 4))
        #expect(inputProblem(generator, GeneratorInput(labels: Self.labels()))?.contains("pass a style") == true)
        #expect(
            inputProblem(generator, GeneratorInput(labels: Self.labels(), style: StyleCode(values: [1, 2])))
                == "style code has 2 values; the model's z_dim is 8")
        #expect(
            try generator(GeneratorInput(labels: Self.labels(), style: .random(seed: 1, count: 8))).shape == [
                3, 64, 64,
            ])
    }

    @Test("style models draw their size reduced by a power of two that divides the head map")
    func reducedSizes() throws {
        // 128x64: head map 4x2, so 1/2 (64x32) is possible and 1/4 is not.
        let config = Self.config(width: 128, height: 64, vae: true)
        #expect(config.reductionFactors == [1, 2])
        let generator = Generator(model: try ModelFile.random(config: config, seed: 10))
        let style = StyleCode.random(seed: 2, count: 8)
        var fc: [Tensor] = []
        let half = try generator(GeneratorInput(labels: Self.labels(width: 64, height: 32), style: style)) { name, x in
            if name == "fc" { fc.append(x) }
        }
        #expect(half.shape == [3, 32, 64])
        _ = try generator(GeneratorInput(labels: Self.labels(width: 128, height: 64), style: style)) { name, x in
            if name == "fc" { fc.append(x) }
        }
        #expect(fc.map(\.shape) == [[32, 1, 2], [32, 2, 4]])
        #expect(fc[0] == averagePool(fc[1], by: 2))
        let expected =
            "this model starts from a style code (use_vae), so it draws only 128x64, 64x32 (its own size divided by a power of two that divides the head map 4x2)"
        for (width, height) in [(32, 16), (64, 64), (96, 48), (256, 128)] {
            #expect(
                inputProblem(generator, GeneratorInput(labels: Self.labels(width: width, height: height), style: style))
                    == "a \(width)x\(height) picture: \(expected)")
        }
    }

    @Test("labels beyond the class bank name the value and the pixel")
    func labelOutOfRange() throws {
        let generator = Generator(model: try ModelFile.random(config: Self.config(), seed: 5))
        var labels = Self.labels()
        labels[5, 7] = 3
        #expect(
            inputProblem(generator, GeneratorInput(labels: labels))
                == "label map value 3 at (x 7, y 5) is not a class of this model (0 ..< 3)")
    }

    @Test("edge and distance maps must fit the label map")
    func mapShapes() throws {
        let generator = Generator(model: try ModelFile.random(config: Self.config(edges: true, icpe: true), seed: 6))
        #expect(
            inputProblem(generator, GeneratorInput(labels: Self.labels()))?.contains("pass an edge map [1, 64, 64]")
                == true)
        let edges = Tensor(zeros: [1, 64, 64])
        #expect(
            inputProblem(generator, GeneratorInput(labels: Self.labels(), edges: Tensor(zeros: [64, 64])))
                == "edge map is [64, 64]; the label map needs [1, 64, 64]")
        #expect(
            inputProblem(
                generator, GeneratorInput(labels: Self.labels(), edges: edges, distances: Tensor(zeros: [2, 32, 32])))
                == "distance map is [2, 32, 32]; the label map needs [2, 64, 64]")
    }

    @Test("an ICPE model without distances equals a zero distance map")
    func icpeOff() throws {
        let generator = Generator(model: try ModelFile.random(config: Self.config(icpe: true), seed: 7))
        let off = try generator(GeneratorInput(labels: Self.labels()))
        #expect(try generator(GeneratorInput(labels: Self.labels(), distances: Tensor(zeros: [2, 64, 64]))) == off)
        var random = TestRandom(seed: 8)
        #expect(try generator(GeneratorInput(labels: Self.labels(), distances: random.tensor([2, 64, 64]))) != off)
    }

    @Test(
        "cancellation is checked before each block, twice inside it and before conv_img; it throws and stops the work")
    func cancellation() throws {
        let generator = Generator(model: try ModelFile.random(config: Self.config(), seed: 9))
        var checks = 0
        _ = try generator(
            GeneratorInput(labels: Self.labels()),
            isCancelled: {
                checks += 1
                return false
            })
        #expect(checks == 3 * generator.config.blocks.count + 1)
        // Check 4 comes before G_middle_0; checks 2 and 3 inside head_0 (after its shortcut, after its conv_0).
        for (cancelledAt, finished) in [(4, ["fc", "head_0"]), (3, ["fc"]), (2, ["fc"])] {
            var checks = 0
            var seen: [String] = []
            #expect(throws: CancellationError.self) {
                _ = try generator(
                    GeneratorInput(labels: Self.labels()), observer: { name, _ in seen.append(name) },
                    isCancelled: {
                        checks += 1
                        return checks >= cancelledAt
                    })
            }
            #expect(checks == cancelledAt && seen == finished)
        }
    }
}
