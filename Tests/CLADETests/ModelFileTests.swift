import Foundation
import Testing

@testable import CLADE

@Suite("ModelFile")
struct ModelFileTests {
    static let fixture = "clade_instance"

    func fixtureBytes() throws -> SafeTensorsBytes {
        try SafeTensorsBytes(contentsOf: Fixtures.modelURL(Self.fixture))
    }

    /// The problems of the `ModelFileError` that loading `bytes` throws.
    func problems(_ bytes: SafeTensorsBytes, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        do {
            _ = try ModelFile(safeTensors: try bytes.parse(fileName: "m.safetensors"))
            Issue.record("expected a ModelFileError", sourceLocation: sourceLocation)
        } catch let error as ModelFileError {
            #expect(error.file == "m.safetensors", sourceLocation: sourceLocation)
            return error.problems
        } catch {
            Issue.record("expected a ModelFileError, got \(error)", sourceLocation: sourceLocation)
        }
        return []
    }

    @Test("every fixture loads, whatever its dtype", arguments: Fixtures.names)
    func loadsFixtures(name: String) throws {
        let model = try Fixtures.model(name)
        let file = try SafeTensorsFile(contentsOf: Fixtures.modelURL(name))
        #expect(Set(file.names) == Set(ModelFile.expectedTensors(for: model.config).map(\.name)))
        // The random-weight fixtures have 6 classes; a conversion fixture keeps its data set's (COCO-Stuff: 182).
        #expect(
            model.config.labelNC == (name.hasPrefix("converted_coco") ? 182 : 6)
                && model.config.classNames.count == model.config.classCount)
        for spec in ModelFile.expectedTensors(for: model.config) { #expect(model[spec.name].shape == spec.shape) }
    }

    @Test("F16 and BF16 files widen to the same values")
    func halfPrecisionFiles() throws {
        let dtypes = try Fixtures.names.map {
            try SafeTensorsFile(contentsOf: Fixtures.modelURL($0)).entries.first!.dtype
        }
        #expect(dtypes.contains(.f16) && dtypes.contains(.bf16))
    }

    @Test("the config decodes from the metadata")
    func config() throws {
        let config = try Fixtures.model("clade_edges_dontcare_batch_more").config
        #expect(config.architecture == .clade && config.numUpsamplingLayers == .more && config.containDontcareLabel)
        #expect(config.width == 128 && config.height == 64 && config.headWidth == 2 && config.headHeight == 1)
        #expect(config.classCount == 7 && config.semanticNC == 8 && config.paramFreeNorm == .batch)
    }

    @Test("a tensor of the wrong dtype")
    func wrongDtype() throws {
        var file = try fixtureBytes()
        file.replaceInHeader("\"conv_img.bias\":{\"dtype\":\"F32\"", with: "\"conv_img.bias\":{\"dtype\":\"I32\"")
        #expect(problems(file) == ["tensor 'conv_img.bias' has dtype I32, expected F32, F16 or BF16"])
    }

    @Test("a tensor of the wrong shape")
    func wrongShape() throws {
        var file = try fixtureBytes()
        file.replaceInHeader(
            "\"up_0.conv_s.weight\":{\"dtype\":\"F32\",\"shape\":[32,64,1,1]",
            with: "\"up_0.conv_s.weight\":{\"dtype\":\"F32\",\"shape\":[64,32,1,1]")
        #expect(problems(file) == ["tensor 'up_0.conv_s.weight' has shape [64, 32, 1, 1], expected [32, 64, 1, 1]"])
    }

    @Test("missing and extra tensors, all reported at once")
    func missingAndExtra() throws {
        var file = try fixtureBytes()
        file.replaceInHeader("\"head_0.conv_1.bias\":", with: "\"head_0.conv_1.bias_typo\":")
        file.replaceInHeader(
            "\"fc.bias\":{\"dtype\":\"F32\",\"shape\":[64]", with: "\"fc.bias\":{\"dtype\":\"U8\",\"shape\":[256]")
        let found = problems(file)
        #expect(found.contains("missing tensor 'head_0.conv_1.bias' [64]"))
        #expect(found.contains("unexpected tensor 'head_0.conv_1.bias_typo' [64] (not part of this config)"))
        #expect(found.contains("tensor 'fc.bias' has shape [256], expected [64]"))
        #expect(found.contains("tensor 'fc.bias' has dtype U8, expected F32, F16 or BF16"))
        #expect(found.count == 4)
    }

    @Test("an extra tensor appended to the file")
    func extraTensor() throws {
        var file = try fixtureBytes()
        let end = file.data.count
        // Python pads the header with spaces; the new entry goes before the closing brace.
        file.header = String(file.header.trimmingCharacters(in: .whitespaces).dropLast())
        file.header +=
            ",\"encoder.fc_mu.bias\":{\"dtype\":\"F32\",\"shape\":[16],\"data_offsets\":[\(end),\(end + 64)]}}"
        file.data += [UInt8](repeating: 0, count: 64)
        #expect(problems(file) == ["unexpected tensor 'encoder.fc_mu.bias' [16] (not part of this config)"])
    }

    @Test("batch-norm counters are ignored")
    func batchCounters() throws {
        var file = try SafeTensorsBytes(contentsOf: Fixtures.modelURL("clade_edges_dontcare_batch_more"))
        let end = file.data.count
        file.header = String(file.header.trimmingCharacters(in: .whitespaces).dropLast())
        file.header +=
            ",\"head_0.norm_0.param_free_norm.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[\(end),\(end + 8)]}}"
        file.data += [UInt8](repeating: 0, count: 8)
        let model = try ModelFile(safeTensors: try file.parse())
        #expect(model.config.paramFreeNorm == .batch)
    }

    @Test("config problems name the key")
    func configProblems() throws {
        let cases: [(String, String, String)] = [
            ("\\\"ngf\\\":4", "\\\"ngf\\\":\\\"four\\\"", "config: 'ngf' is not of type Int"),
            ("\\\"ngf\\\":4,", "", "config: missing key 'ngf'"),
            ("\\\"ngf\\\":4", "\\\"ngf\\\":4,\\\"colour\\\":1", "config: unknown keys 'colour'"),
            ("\\\"width\\\":64", "\\\"width\\\":48", "config: width 48 is not a positive multiple of 2^5 = 32"),
            (
                "\\\"format_version\\\":1", "\\\"format_version\\\":2",
                "config: format_version is 2; this engine reads version 1"
            ),
            (
                "\\\"class_names\\\":[\\\"class_0\\\",", "\\\"class_names\\\":[",
                "config: class_names has 5 names; the class bank has 6 rows (label_nc 6)"
            ),
            (
                "[\\\"clade\\\",\\\"clade\\\",\\\"clade\\\",", "[\\\"spade\\\",\\\"clade\\\",",
                "block_norms has 6 entries"
            ),
        ]
        for (old, new, expected) in cases {
            var file = try fixtureBytes()
            file.replaceInHeader(old, with: new)
            let found = problems(file)
            #expect(found.contains { $0.contains(expected) }, "\(new): \(found)")
        }
    }

    @Test("a safetensors file without the config is not a model")
    func noConfig() throws {
        var file = try fixtureBytes()
        file.replaceInHeader("\"clade_paint_config\":", with: "\"other\":")
        #expect(problems(file) == ["no 'clade_paint_config' in the metadata: not a clade-paint model file"])
    }

    @Test("in-memory weights are checked like a file")
    func inMemory() throws {
        let model = try Fixtures.model(Self.fixture)
        var tensors = Dictionary(
            uniqueKeysWithValues: ModelFile.expectedTensors(for: model.config).map { ($0.name, model[$0.name]) })
        #expect(throws: Never.self) { try ModelFile(config: model.config, tensors: tensors) }
        tensors["conv_img.bias"] = nil
        tensors["spare"] = Tensor(zeros: [2])
        #expect(
            throws: ModelFileError(
                file: "in-memory model",
                problems: [
                    "missing tensor 'conv_img.bias' [3]", "unexpected tensor 'spare' [2] (not part of this config)",
                ])
        ) {
            try ModelFile(config: model.config, tensors: tensors)
        }
    }

    @Test("a number that does not fit its key is named with the key, not as invalid JSON")
    func misfitNumbers() throws {
        let cases: [(String, String, String)] = [
            ("\\\"ngf\\\":4", "\\\"ngf\\\":32.5", "config: 'ngf': 32.5 is not a whole number"),
            ("\\\"width\\\":64", "\\\"width\\\":-64", "config: width -64 is not a positive multiple"),
            ("\\\"ngf\\\":4", "\\\"ngf\\\":1e30", "config: 'ngf': 1e+30 is out of range for this key"),
        ]
        for (old, new, expected) in cases {
            var file = try fixtureBytes()
            file.replaceInHeader(old, with: new)
            let found = problems(file)
            #expect(found.contains { $0.contains(expected) }, "\(new): \(found)")
            #expect(!found.contains { $0.contains("not valid JSON") }, "\(new): \(found)")
        }
    }

    @Test("non-finite weights and negative running variances name the tensor")
    func damagedValues() throws {
        let model = try Fixtures.model("clade_icpe_edges_vae_batch")
        var tensors = Dictionary(
            uniqueKeysWithValues: ModelFile.expectedTensors(for: model.config).map { ($0.name, model[$0.name]) })
        #expect(ModelFile.valueProblems(tensors.map { ($0.key, $0.value) }).isEmpty)
        tensors["up_0.conv_1.weight"]!.data[7] = .nan
        tensors["up_0.conv_1.weight"]!.data[9] = .infinity
        tensors["G_middle_0.norm_1.param_free_norm.running_var"]!.data[1] = -0.25
        let total = tensors["up_0.conv_1.weight"]!.data.count
        #expect(
            throws: ModelFileError(
                file: "in-memory model",
                problems: [
                    "tensor 'G_middle_0.norm_1.param_free_norm.running_var' holds the variance -0.25 at element 1: a variance cannot be negative",
                    "tensor 'up_0.conv_1.weight' holds nan at element 7 (2 non-finite of \(total)): the weights are damaged",
                ])
        ) { try ModelFile(config: model.config, tensors: tensors) }
        // A negative value is fine anywhere but in a variance.
        tensors = Dictionary(
            uniqueKeysWithValues: ModelFile.expectedTensors(for: model.config).map { ($0.name, model[$0.name]) })
        tensors["G_middle_0.norm_1.param_free_norm.running_mean"]!.data[1] = -0.25
        #expect(throws: Never.self) { try ModelFile(config: model.config, tensors: tensors) }
    }

    @Test("a block's weights are dropped once built; a generator leaves a model it was lent whole")
    func removingWeights() throws {
        let model = try Fixtures.model("clade_icpe_edges_vae_batch")
        let names = Set(model.tensors.keys)
        var built = model
        built.removeWeights(prefix: "up_0.")
        #expect(Set(built.tensors.keys) == names.filter { !$0.hasPrefix("up_0.") })
        #expect(names.contains("up_0.conv_0.weight") && names.contains("G_middle_0.conv_0.weight"))
        // A block takes its own weights out of the model it is built from, and no others.
        let layout = try #require(model.config.blocks.first)
        var taken = model
        _ = ResnetBlock(model: &taken, layout: layout, mapPixels: 16 * 16)
        #expect(Set(taken.tensors.keys) == names.filter { !$0.hasPrefix(layout.name + ".") })
        // Lent, the caller's model keeps every weight; handed over, it is taken block by block into the same layers.
        let lent = Generator(model: model)
        #expect(Set(model.tensors.keys) == names)
        let handedOver = try Fixtures.model("clade_icpe_edges_vae_batch")
        let input = try Fixtures.generatorInput(try Fixtures.io("clade_icpe_edges_vae_batch"), config: model.config)
        #expect(try lent(input) == Generator(model: consume handedOver)(input))
    }

    @Test("error text lists every problem")
    func errorText() {
        let error = ModelFileError(file: "m.safetensors", problems: ["a", "b"])
        #expect(error.description == "m.safetensors: 2 problems:\n  - a\n  - b")
        #expect(ModelFileError(file: "m.safetensors", problems: ["a"]).description == "m.safetensors: a")
    }
}
