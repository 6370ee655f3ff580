import Foundation

/// Problems found in a model file, all of them, each naming the tensor or config key concerned.
public struct ModelFileError: Error, Equatable, CustomStringConvertible, LocalizedError {
    public let file: String
    public let problems: [String]

    public init(file: String, problems: [String]) {
        self.file = file
        self.problems = problems
    }

    public var description: String {
        problems.count == 1
            ? "\(file): \(problems[0])"
            : "\(file): \(problems.count) problems:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
    public var errorDescription: String? { description }
}

/// The name and shape of one tensor a model file must hold.
public struct TensorSpec: Sendable, Equatable {
    public let name: String
    public let shape: [Int]

    public init(_ name: String, _ shape: [Int]) {
        self.name = name
        self.shape = shape
    }
}

/// A clade-paint model: its config and its weights, checked against each other (see `docs/model-format.md`).
///
/// Weights keep PyTorch's layouts and names (`head_0.conv_0.weight [fmiddle, fin(+1), 3, 3]` ...) and are held as
/// F32 whatever the file's dtype. `Generator(model:)` and `StyleEncoder(model:)` build their layers from it.
public struct ModelFile: Sendable {
    /// The metadata key that holds the config JSON.
    public static let configKey = "clade_paint_config"

    public let fileName: String
    public let config: ModelConfig
    /// The codes random styles are drawn from; nil when the file has none (random styles are then N(0, I)).
    public let styleBank: StyleBank?
    private let tensors: [String: Tensor]

    /// Reads and checks the model file at `url`.
    public init(contentsOf url: URL) throws {
        try self.init(safeTensors: try SafeTensorsFile(contentsOf: url))
    }

    /// Reads the config from the file's metadata and checks every tensor against it.
    public init(safeTensors file: SafeTensorsFile) throws {
        let config = try Self.config(of: file)
        var problems: [String] = []
        let expected = Self.expectedTensors(for: config)
        let expectedNames = Set(expected.map(\.name))
        for spec in expected {
            guard let entry = file.entry(spec.name) else {
                problems.append("missing tensor '\(spec.name)' \(spec.shape)")
                continue
            }
            if entry.shape != spec.shape {
                problems.append("tensor '\(spec.name)' has shape \(entry.shape), expected \(spec.shape)")
            }
            if !entry.dtype.isFloat {
                problems.append("tensor '\(spec.name)' has dtype \(entry.dtype.rawValue), expected F32, F16 or BF16")
            }
        }
        let bankEntry = file.entry(StyleBank.tensorName)
        if let bank = bankEntry {
            problems += Self.styleBankProblems(shape: bank.shape, config: config)
            if !bank.dtype.isFloat {
                problems.append("tensor '\(bank.name)' has dtype \(bank.dtype.rawValue), expected F32, F16 or BF16")
            }
        }
        for entry in file.entries where !expectedNames.contains(entry.name) && !Self.isIgnored(entry.name) && entry.name != StyleBank.tensorName {
            problems.append("unexpected tensor '\(entry.name)' \(entry.shape) (not part of this config)")
        }
        guard problems.isEmpty else { throw ModelFileError(file: file.fileName, problems: problems) }

        var tensors: [String: Tensor] = [:]
        for spec in expected { tensors[spec.name] = try file.floatTensor(spec.name) }
        let valueProblems = Self.valueProblems(expected.map { ($0.name, tensors[$0.name]!) })
        guard valueProblems.isEmpty else { throw ModelFileError(file: file.fileName, problems: valueProblems) }
        self.fileName = file.fileName
        self.config = config
        self.tensors = tensors
        styleBank = try bankEntry.map { StyleBank(codes: try file.floatTensor($0.name)) }
    }

    /// A model from weights in memory (random weights for benchmarks, converted checkpoints), checked like a file; a
    /// `style_bank` entry becomes the style bank.
    public init(config: ModelConfig, tensors: [String: Tensor], fileName: String = "in-memory model") throws {
        let configProblems = config.problems
        guard configProblems.isEmpty else { throw ModelFileError(file: fileName, problems: configProblems.map { "config: \($0)" }) }
        var problems: [String] = []
        let expected = Self.expectedTensors(for: config)
        for spec in expected {
            guard let tensor = tensors[spec.name] else {
                problems.append("missing tensor '\(spec.name)' \(spec.shape)")
                continue
            }
            if tensor.shape != spec.shape { problems.append("tensor '\(spec.name)' has shape \(tensor.shape), expected \(spec.shape)") }
        }
        let expectedNames = Set(expected.map(\.name))
        let bank = tensors[StyleBank.tensorName]
        if let bank { problems += Self.styleBankProblems(shape: bank.shape, config: config) }
        for name in tensors.keys.sorted() where !expectedNames.contains(name) && !Self.isIgnored(name) && name != StyleBank.tensorName {
            problems.append("unexpected tensor '\(name)' \(tensors[name]!.shape) (not part of this config)")
        }
        problems += Self.valueProblems(expected.compactMap { spec in tensors[spec.name].map { (spec.name, $0) } })
        guard problems.isEmpty else { throw ModelFileError(file: fileName, problems: problems) }
        self.fileName = fileName
        self.config = config
        self.tensors = tensors.filter { $0.key != StyleBank.tensorName }
        styleBank = bank.map(StyleBank.init(codes:))
    }

    /// What is wrong with a `style_bank` of `shape` for `config`: it needs a style encoder and must be `[K >= 1, z_dim]`.
    static func styleBankProblems(shape: [Int], config: ModelConfig) -> [String] {
        let name = StyleBank.tensorName
        if !config.useVAE { return ["unexpected tensor '\(name)' \(shape) (a style bank needs a style encoder, use_vae)"] }
        if shape.count != 2 || shape[0] < 1 || shape[1] != config.zDim {
            return ["tensor '\(name)' has shape \(shape), expected [K, \(config.zDim)] with K >= 1 (z_dim \(config.zDim))"]
        }
        return []
    }

    /// Weights that would turn every picture black or into noise without a word: a NaN or infinity anywhere
    /// (one spreads through every layer after it), or a negative running variance (its square root is NaN).
    static func valueProblems(_ tensors: [(name: String, tensor: Tensor)]) -> [String] {
        var problems: [String] = []
        for (name, tensor) in tensors {
            let data = tensor.data
            if let index = data.firstIndex(where: { !$0.isFinite }) {
                let count = data.count(where: { !$0.isFinite })
                problems.append("tensor '\(name)' holds \(data[index]) at element \(index) (\(count) non-finite of \(data.count)): the weights are damaged")
            } else if name.hasSuffix(".running_var"), let index = data.firstIndex(where: { $0 < 0 }) {
                problems.append("tensor '\(name)' holds the variance \(data[index]) at element \(index): a variance cannot be negative")
            }
        }
        return problems
    }

    /// Batch norms' `num_batches_tracked` counters carry nothing for inference; files may keep them (docs/model-format.md).
    static func isIgnored(_ name: String) -> Bool { name.hasSuffix(".num_batches_tracked") }

    /// The weight called `name`. Every name of `expectedTensors(for: config)` is present after loading.
    public subscript(name: String) -> Tensor {
        guard let tensor = tensors[name] else { preconditionFailure("model has no tensor '\(name)'") }
        return tensor
    }

    /// Decodes and checks `__metadata__.clade_paint_config`.
    private static func config(of file: SafeTensorsFile) throws -> ModelConfig {
        guard let json = file.metadata[configKey] else {
            throw ModelFileError(file: file.fileName, problems: ["no '\(configKey)' in the metadata: not a clade-paint model file"])
        }
        if let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] {
            let unknown = Set(object.keys).subtracting(ModelConfig.keys).sorted()
            if !unknown.isEmpty {
                throw ModelFileError(file: file.fileName, problems: ["config: unknown keys \(unknown.map { "'\($0)'" }.joined(separator: ", "))"])
            }
            if let conditioning = object[ModelConfig.CodingKeys.conditioning.rawValue] as? [String: Any] {
                let unknown = Set(conditioning.keys).subtracting(ConditioningConventions.CodingKeys.allCases.map(\.rawValue)).sorted()
                if !unknown.isEmpty {
                    throw ModelFileError(file: file.fileName, problems: ["config: unknown keys in 'conditioning': \(unknown.map { "'\($0)'" }.joined(separator: ", "))"])
                }
            }
        }
        let config: ModelConfig
        do {
            config = try JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8))
        } catch let error as DecodingError {
            let problem = JSONMisfit.describe(error, in: Data(json.utf8), decoding: ModelConfig.self) ?? describe(error)
            throw ModelFileError(file: file.fileName, problems: ["config: \(problem)"])
        }
        let problems = config.problems
        guard problems.isEmpty else { throw ModelFileError(file: file.fileName, problems: problems.map { "config: \($0)" }) }
        return config
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, _): return "missing key '\(key.stringValue)'"
        case let .typeMismatch(type, context): return "'\(path(context))' is not \(type == String.self ? "a string" : "of type \(type)")"
        case let .valueNotFound(_, context): return "'\(path(context))' is null"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty ? "not valid JSON" : "'\(path(context))': \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// Every tensor a model with `config` holds, in the order of `docs/model-format.md`.
    public static func expectedTensors(for config: ModelConfig) -> [TensorSpec] {
        var specs: [TensorSpec] = []
        let headChannels = 16 * config.ngf
        if config.useVAE {
            let features = headChannels * config.headHeight * config.headWidth
            specs += [TensorSpec("fc.weight", [features, config.zDim]), TensorSpec("fc.bias", [features])]
        } else {
            specs += [TensorSpec("fc.weight", [headChannels, config.semanticNC, 3, 3]), TensorSpec("fc.bias", [headChannels])]
        }
        for block in config.blocks {
            let b = block.name
            let e = config.useInstanceEdges && block.norm == .clade ? 1 : 0
            let (fin, fmid, fout) = (block.inputChannels, block.middleChannels, block.outputChannels)
            specs += [
                TensorSpec("\(b).conv_0.weight", [fmid, fin + e, 3, 3]), TensorSpec("\(b).conv_0.bias", [fmid]),
                TensorSpec("\(b).conv_1.weight", [fout, fmid + e, 3, 3]), TensorSpec("\(b).conv_1.bias", [fout]),
            ]
            if block.learnedShortcut { specs.append(TensorSpec("\(b).conv_s.weight", [fout, fin + e, 1, 1])) }
            var norms = [("norm_0", fin), ("norm_1", fmid)]
            if block.learnedShortcut { norms.append(("norm_s", fin)) }
            for (norm, channels) in norms {
                specs += normTensors("\(b).\(norm)", channels: channels, kind: block.norm, config: config)
            }
        }
        let finalChannels = config.blocks.last!.outputChannels
        specs += [TensorSpec("conv_img.weight", [3, finalChannels, 3, 3]), TensorSpec("conv_img.bias", [3])]
        if config.useVAE {
            let ndf = config.ngf
            let widths = [3, ndf, 2 * ndf, 4 * ndf, 8 * ndf, 8 * ndf, 8 * ndf]
            for layer in 1...6 {
                specs.append(TensorSpec("encoder.layer\(layer).0.weight", [widths[layer], widths[layer - 1], 3, 3]))
            }
            for head in ["fc_mu", "fc_var"] {
                specs += [TensorSpec("encoder.\(head).weight", [config.zDim, 8 * ndf * 16]), TensorSpec("encoder.\(head).bias", [config.zDim])]
            }
        }
        return specs
    }

    private static func normTensors(_ n: String, channels: Int, kind: ModelConfig.Normalization, config: ModelConfig) -> [TensorSpec] {
        var specs: [TensorSpec] = []
        if config.paramFreeNorm == .batch {
            specs += [TensorSpec("\(n).param_free_norm.running_mean", [channels]), TensorSpec("\(n).param_free_norm.running_var", [channels])]
        }
        switch kind {
        case .clade:
            let a = "\(n).class_specified_affine"
            specs += [TensorSpec("\(a).weight", [config.classCount, channels]), TensorSpec("\(a).bias", [config.classCount, channels])]
            if config.useICPE {
                for conv in ["dist_conv_w", "dist_conv_b"] {
                    specs += [TensorSpec("\(a).\(conv).weight", [1, 2, 1, 1]), TensorSpec("\(a).\(conv).bias", [1])]
                }
            }
            if config.useInstanceEdges {
                specs += [TensorSpec("\(n).inst_conv.weight", [1, 1, 1, 1]), TensorSpec("\(n).inst_conv.bias", [1])]
            }
        case .spade:
            let hidden = SPADENorm.hiddenChannels
            specs += [
                TensorSpec("\(n).mlp_shared.0.weight", [hidden, config.semanticNC, 3, 3]), TensorSpec("\(n).mlp_shared.0.bias", [hidden]),
                TensorSpec("\(n).mlp_gamma.weight", [channels, hidden, 3, 3]), TensorSpec("\(n).mlp_gamma.bias", [channels]),
                TensorSpec("\(n).mlp_beta.weight", [channels, hidden, 3, 3]), TensorSpec("\(n).mlp_beta.bias", [channels]),
            ]
        }
        return specs
    }
}
