import CLADE
import Foundation
import ImageFiles
import Painter

/// One mask to render, read and checked: its label map and instance map at the file's size, and the output size.
///
/// A mask at the output size is used as is; a smaller one is a painted grid, upsampled by `upsampling`
/// (`LabelUpsampling`, docs/conditioning.md section 1) together with its instance grid.
struct MaskInput: RenderJob {
    let path: String
    let instancesPath: String?
    /// Class ids `[h, w]` as the file holds them.
    let labels: LabelMap
    /// Instance ids `[h, w]`; all 0 when no instance map was given.
    let instances: InstanceMap
    let upsampling: LabelUpsampling.Method

    /// Reads `path` (and `instancesPath`) with `palette`; every class must be below `classCount`, and the mask must
    /// be `width x height` or smaller in both directions.
    init(path: String, instancesPath: String?, palette: Palette, classCount: Int, width: Int, height: Int,
         upsampling: LabelUpsampling.Method) throws {
        try InputFile.checkExists(path, kind: "mask file")
        if let instancesPath { try InputFile.checkExists(instancesPath, kind: "instance map file") }
        // The size is checked from the header, before a huge mask is decoded.
        let labels = try FileProblem.attributing(to: path) {
            try LabelMapFile.read(URL(fileURLWithPath: path), palette: palette, classCount: classCount) { header in
                guard header.width <= width && header.height <= height else {
                    throw FileProblem(
                        file: path,
                        problem: "the mask is \(header.width)x\(header.height) pixels; the picture is \(width)x\(height): "
                            + "give a mask of exactly that size, or a smaller painted grid (it is upsampled)")
                }
            }
        }
        let instances = try instancesPath.map { instancesPath in
            try FileProblem.attributing(to: instancesPath) {
                try InstanceMapFile.read(URL(fileURLWithPath: instancesPath), matching: labels, labelMapPath: path)
            }
        } ?? InstanceMap(zerosWidth: labels.width, height: labels.height)
        self.path = path
        self.instancesPath = instancesPath
        self.upsampling = upsampling
        self.labels = labels
        self.instances = instances
    }

    /// Whether the mask is a grid smaller than the picture.
    func isGrid(width: Int, height: Int) -> Bool { labels.width != width || labels.height != height }

    func note(width: Int, height: Int) -> String {
        isGrid(width: width, height: height) ? " (grid \(labels.width)x\(labels.height) upsampled)" : ""
    }

    /// The generator's input for a `width x height` picture, made as the painter makes it (`GridConditioning`), so
    /// a painting saved by the painter renders to the same bytes here.
    func generatorInput(config: ModelConfig, width: Int, height: Int, icpe: Bool, style: StyleCode?) -> GeneratorInput {
        GridConditioning.generatorInput(labels: labels, instances: instances, config: config, width: width, height: height, icpe: icpe, style: style,
                                         upsampling: upsampling)
    }
}
