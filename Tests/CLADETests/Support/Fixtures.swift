import Foundation
import Testing

@testable import CLADE

/// The parity fixtures written by `Training/make_fixtures.py` (see `Training/fixtures_models.py`):
/// `<name>.model.safetensors` (a model file) and `<name>.io.safetensors` (inputs `in.*`, PyTorch outputs `out.*`).
enum Fixtures {
    static var folder: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures", isDirectory: true)
    }

    /// Names of the fixtures that have both files, sorted.
    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let suffix = ".model.safetensors"
        return files.filter { $0.hasSuffix(suffix) }
            .map { String($0.dropLast(suffix.count)) }
            .filter { files.contains("\($0).io.safetensors") }
            .sorted()
    }

    /// Names of the fixtures that also have `<name>.half.io.safetensors` (the model drawn at half its size), sorted.
    static var halfSizeNames: [String] { names(drawnAt: "half") }

    /// Names of the fixtures that also have `<name>.resized.io.safetensors` (a model without a style encoder drawn
    /// at another multiple of 2^n than its size), sorted.
    static var resizedNames: [String] { names(drawnAt: "resized") }

    static func halfSizeIO(_ name: String) throws -> SafeTensorsFile { try io(name, drawnAt: "half") }
    static func resizedIO(_ name: String) throws -> SafeTensorsFile { try io(name, drawnAt: "resized") }

    private static func names(drawnAt size: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { files.contains("\($0).\(size).io.safetensors") }
    }

    private static func io(_ name: String, drawnAt size: String) throws -> SafeTensorsFile {
        try SafeTensorsFile(contentsOf: folder.appendingPathComponent("\(name).\(size).io.safetensors"))
    }

    static func modelURL(_ name: String) -> URL { folder.appendingPathComponent("\(name).model.safetensors") }
    static func model(_ name: String) throws -> ModelFile { try ModelFile(contentsOf: modelURL(name)) }
    static func io(_ name: String) throws -> SafeTensorsFile {
        try SafeTensorsFile(contentsOf: folder.appendingPathComponent("\(name).io.safetensors"))
    }

    /// The fixture's label map `in.labels` (I32 [H, W]).
    static func labels(_ io: SafeTensorsFile) throws -> LabelMap {
        let (shape, values) = try io.integerTensor("in.labels")
        return LabelMap(width: shape[1], height: shape[0], classes: values.map { Int32($0) })
    }

    /// The generator input the fixture was made with, taking only the maps the model uses.
    static func generatorInput(_ io: SafeTensorsFile, config: ModelConfig) throws -> GeneratorInput {
        GeneratorInput(
            labels: try labels(io),
            edges: config.useInstanceEdges ? try io.floatTensor("in.edges") : nil,
            distances: config.useICPE ? try io.floatTensor("in.dist") : nil,
            style: config.useVAE ? StyleCode(values: try io.floatTensor("in.z").data) : nil)
    }
}

/// The parity tolerance of intermediate outputs: max abs error <= 1e-4 * max(1, max |reference|).
func relativeTolerance(_ reference: Tensor) -> Float { 1e-4 * max(1, reference.maxAbs) }
