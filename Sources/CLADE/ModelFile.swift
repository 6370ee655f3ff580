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
    private(set) var tensors: [String: Tensor]

    /// Reads and checks the model file at `url`.
    public init(contentsOf url: URL) throws {
        try self.init(safeTensors: try SafeTensorsFile(contentsOf: url))
    }

    /// Reads the config from the file's metadata and checks every tensor against it.
    public init(safeTensors file: SafeTensorsFile) throws {
        let config = try Self.config(of: file)
        var problems = Self.shapeProblems(file.entries.map { ($0.name, $0.shape) }, config: config)
        let kept = Set(Self.expectedTensors(for: config).map(\.name) + [StyleBank.tensorName])
        for entry in file.entries where kept.contains(entry.name) && !entry.dtype.isFloat {
            problems.append("tensor '\(entry.name)' has dtype \(entry.dtype.rawValue), expected F32, F16 or BF16")
        }
        guard problems.isEmpty else { throw ModelFileError(file: file.fileName, problems: problems) }
        let tensors = try file.entries.filter { kept.contains($0.name) }.map {
            ($0.name, try file.floatTensor($0.name))
        }
        try self.init(config: config, tensors: Dictionary(uniqueKeysWithValues: tensors), fileName: file.fileName)
    }

    /// A model from weights in memory (random weights for benchmarks, converted checkpoints), checked like a file; a
    /// `style_bank` entry becomes the style bank.
    public init(config: ModelConfig, tensors: [String: Tensor], fileName: String = "in-memory model") throws {
        let configProblems = config.problems
        guard configProblems.isEmpty else {
            throw ModelFileError(file: fileName, problems: configProblems.map { "config: \($0)" })
        }
        var problems = Self.shapeProblems(tensors.map { ($0.key, $0.value.shape) }, config: config)
        problems += Self.valueProblems(
            Self.expectedTensors(for: config).compactMap { spec in tensors[spec.name].map { (spec.name, $0) } })
        guard problems.isEmpty else { throw ModelFileError(file: fileName, problems: problems) }
        self.fileName = fileName
        self.config = config
        self.tensors = tensors.filter { $0.key != StyleBank.tensorName }
        styleBank = tensors[StyleBank.tensorName].map(StyleBank.init(codes:))
    }

    /// Every tensor missing, of the wrong shape or not part of `config` among tensors of these names and shapes,
    /// each named with its key (unexpected ones in name order).
    static func shapeProblems(_ shapes: [(name: String, shape: [Int])], config: ModelConfig) -> [String] {
        let given = Dictionary(shapes, uniquingKeysWith: { first, _ in first })
        let expected = expectedTensors(for: config)
        var problems: [String] = expected.compactMap { spec in
            guard let shape = given[spec.name] else { return "missing tensor '\(spec.name)' \(spec.shape)" }
            return shape == spec.shape ? nil : "tensor '\(spec.name)' has shape \(shape), expected \(spec.shape)"
        }
        if let bank = given[StyleBank.tensorName] { problems += styleBankProblems(shape: bank, config: config) }
        let expectedNames = Set(expected.map(\.name))
        for (name, shape) in shapes.sorted(by: { $0.name < $1.name })
        where !expectedNames.contains(name) && !isIgnored(name) && name != StyleBank.tensorName {
            problems.append("unexpected tensor '\(name)' \(shape) (not part of this config)")
        }
        return problems
    }

    /// What is wrong with a `style_bank` of `shape` for `config`: it needs a style encoder and must be `[K >= 1, z_dim]`.
    static func styleBankProblems(shape: [Int], config: ModelConfig) -> [String] {
        let name = StyleBank.tensorName
        if !config.useVAE {
            return ["unexpected tensor '\(name)' \(shape) (a style bank needs a style encoder, use_vae)"]
        }
        if shape.count != 2 || shape[0] < 1 || shape[1] != config.zDim {
            return [
                "tensor '\(name)' has shape \(shape), expected [K, \(config.zDim)] with K >= 1 (z_dim \(config.zDim))"
            ]
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
                problems.append(
                    "tensor '\(name)' holds \(data[index]) at element \(index) (\(count) non-finite of \(data.count)): the weights are damaged"
                )
            } else if name.hasSuffix(".running_var"), let index = data.firstIndex(where: { $0 < 0 }) {
                problems.append(
                    "tensor '\(name)' holds the variance \(data[index]) at element \(index): a variance cannot be negative"
                )
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

    /// Drops the weights whose names start with `prefix` once a layer has been built from them. A layer keeps the
    /// weights in the form it computes with (a Winograd form in place of F32 weights), so a model built from a file
    /// it owns is not held twice in memory.
    public mutating func removeWeights(prefix: String) {
        tensors = tensors.filter { !$0.key.hasPrefix(prefix) }
    }

    /// Decodes and checks `__metadata__.clade_paint_config`.
    private static func config(of file: SafeTensorsFile) throws -> ModelConfig {
        guard let json = file.metadata[configKey] else {
            throw ModelFileError(
                file: file.fileName, problems: ["no '\(configKey)' in the metadata: not a clade-paint model file"])
        }
        if let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] {
            let unknown = Set(object.keys).subtracting(ModelConfig.keys).sorted()
            if !unknown.isEmpty {
                throw ModelFileError(
                    file: file.fileName,
                    problems: ["config: unknown keys \(unknown.map { "'\($0)'" }.joined(separator: ", "))"])
            }
            if let conditioning = object[ModelConfig.CodingKeys.conditioning.rawValue] as? [String: Any] {
                let unknown = Set(conditioning.keys).subtracting(
                    ConditioningConventions.CodingKeys.allCases.map(\.rawValue)
                ).sorted()
                if !unknown.isEmpty {
                    throw ModelFileError(
                        file: file.fileName,
                        problems: [
                            "config: unknown keys in 'conditioning': \(unknown.map { "'\($0)'" }.joined(separator: ", "))"
                        ])
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
        guard problems.isEmpty else {
            throw ModelFileError(file: file.fileName, problems: problems.map { "config: \($0)" })
        }
        return config
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, _): return "missing key '\(key.stringValue)'"
        case .typeMismatch(let type, let context):
            return "'\(path(context))' is not \(type == String.self ? "a string" : "of type \(type)")"
        case .valueNotFound(_, let context): return "'\(path(context))' is null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "'\(path(context))': \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// Every tensor a model with `config` holds, in the order of `docs/model-format.md`.
    public static func expectedTensors(for config: ModelConfig) -> [TensorSpec] {
        config.layerGroups.flatMap { ($0.layers + $0.normalization).flatMap(\.tensors) }
    }
}
