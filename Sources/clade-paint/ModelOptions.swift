import ArgumentParser
import CLADE
import Foundation
import ImageFiles
import Painter

/// The model a command works with: `--model FILE`, or the default model (`ResourceSearch`).
struct ModelOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The model file (.safetensors).",
            discussion:
                "Default: $\(ResourceSearch.modelVariable), else \(ResourceSearch.defaultModel) in the binary's folder or a folder above it, else in ../share/clade-paint next to the binary (make install).",
            valueName: "file"))
    var model: String?

    /// The model file's path as the person gave it (or as found).
    func modelPath() throws -> String {
        try model ?? ResourceSearch.defaultModelPath()
    }

    /// Reads and checks the model file; every problem names the file.
    func loadModel() throws -> (model: ModelFile, path: String) {
        let path = try modelPath()
        try InputFile.checkExists(path, kind: "model file")
        let model = try FileProblem.attributing(to: path) {
            try ModelFile(contentsOf: URL(fileURLWithPath: path))
        }
        return (model, path)
    }
}

/// The class palette a label map is read with: `--palette FILE`, or the palette the model's config names.
struct PaletteOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The class palette (.gpl) for reading masks.",
            discussion:
                "Default: Palettes/<name>.gpl with the name from the model's config, in the model's folder, the binary's folder or a folder above them.",
            valueName: "file"))
    var palette: String?

    func loadPalette(for model: ModelFile, modelPath: String) throws -> (palette: Palette, path: String) {
        let url =
            try palette.map { URL(fileURLWithPath: $0) }
            ?? ResourceSearch.palette(named: model.config.palette, modelPath: modelPath)
        let path = palette ?? url.path
        try InputFile.checkExists(path, kind: "palette file")
        let loaded = try FileProblem.attributing(to: path) { try Palette(contentsOf: url) }
        return (loaded, path)
    }

    /// The painter's model: `file`, handed over (its F32 weights are freed as the generator is built), with the palette
    /// `loadPalette` finds. A palette with fewer colours than the model has classes is named as the file at fault.
    func paintModel(_ file: consuming ModelFile, modelPath: String) throws -> PaintModel {
        let (palette, path) = try loadPalette(for: file, modelPath: modelPath)
        let config = file.config
        try FileProblem.attributing(to: path) {
            try PaintModel.checkPalette(palette, config: config, path: modelPath)
        }
        return try PaintModel(file: consume file, path: modelPath, palette: palette)
    }
}
