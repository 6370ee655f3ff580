import CLADE
import Foundation
import ImageFiles
import TestSupport
import Testing

/// A temporary folder holding a parity fixture's model (from `Tests/CLADETests/Fixtures`), the `fixture` palette in
/// `Palettes/` next to it (where clade-paint looks for a model's palette), and whatever a test writes.
final class Scratch {
    /// Seven distinct colours: the fixtures' six classes and a dontcare class.
    static let palette = Palette(
        name: "fixture",
        entries: [
            .init(color: RGBColor(200, 30, 30), name: "class_0"), .init(color: RGBColor(30, 200, 30), name: "class_1"),
            .init(color: RGBColor(30, 30, 200), name: "class_2"), .init(color: RGBColor(220, 220, 40), name: "class_3"),
            .init(color: RGBColor(40, 220, 220), name: "class_4"),
            .init(color: RGBColor(220, 40, 220), name: "class_5"),
            .init(color: RGBColor(128, 128, 128), name: "dontcare"),
        ])

    let folder: URL
    /// The fixture's name, e.g. `clade_icpe_edges_vae_batch`.
    let fixture: String
    /// The model file's name inside `folder`.
    let modelFile: String

    init(fixture: String = "clade_icpe_edges_vae_batch") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("clade-paint-cli-\(UUID().uuidString)")
        self.fixture = fixture
        modelFile = "\(fixture).model.safetensors"
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("Palettes"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TestFixtures.folder.appendingPathComponent(modelFile), to: url(modelFile))
        try write(Self.gpl(Self.palette), to: "Palettes/fixture.gpl")
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    func write(_ text: String, to name: String) throws {
        try Data(text.utf8).write(to: url(name))
    }

    /// The model as the engine loads it.
    func model() throws -> ModelFile { try ModelFile(contentsOf: url(modelFile)) }

    /// The fixture's inputs and PyTorch outputs (`in.grid_labels`, `in.z`, `out.image` ...).
    func io() throws -> SafeTensorsFile {
        try SafeTensorsFile(contentsOf: TestFixtures.folder.appendingPathComponent("\(fixture).io.safetensors"))
    }

    /// A label map from an integer tensor `[H, W]` of the io file.
    func labelMap(_ name: String, io: SafeTensorsFile) throws -> LabelMap {
        let (shape, values) = try io.integerTensor(name)
        return LabelMap(width: shape[1], height: shape[0], classes: values.map { Int32($0) })
    }

    func instanceMap(_ name: String, io: SafeTensorsFile) throws -> InstanceMap {
        let (shape, values) = try io.integerTensor(name)
        return InstanceMap(width: shape[1], height: shape[0], ids: values.map { Int32($0) })
    }

    /// Writes a label map as an indexed PNG in the fixture palette's colours.
    func writeMask(_ labels: LabelMap, to name: String) throws {
        try LabelMapFile.write(labels, palette: Self.palette, to: url(name))
    }

    func writeInstances(_ instances: InstanceMap, to name: String) throws {
        try InstanceMapFile.write(instances, to: url(name))
    }

    /// The RGB bytes of a PNG written by clade-paint.
    func picture(_ name: String) throws -> PNGImage { try PNGImage.read(url(name)) }

    /// The names of the files in the folder (sorted, without `Palettes`).
    func fileNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != "Palettes" }.sorted()
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLI.Result {
        try CLI.run(arguments, in: folder, environment: environment)
    }

    /// `clade-paint render` with this fixture's model on one thread, plus `arguments`.
    func render(_ arguments: [String]) throws -> CLI.Result {
        try run(["render", "--model", modelFile, "--threads", "1"] + arguments)
    }

    /// The text of a `.gpl` file for `palette`.
    static func gpl(_ palette: Palette) -> String {
        "GIMP Palette\nName: \(palette.name)\n"
            + palette.entries.map { "\($0.color.red) \($0.color.green) \($0.color.blue)\t\($0.name)\n" }.joined()
    }
}
