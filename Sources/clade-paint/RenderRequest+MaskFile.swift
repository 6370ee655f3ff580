import CLADE
import Foundation
import ImageFiles
import Painter

extension RenderRequest {
    /// The request for a mask file (and its instance map), read with `palette` and checked: every class below
    /// `classCount`, the mask `width x height` or smaller in both directions. A smaller mask is a painted grid,
    /// upsampled by `upsampling`.
    init(
        mask path: String, instancesPath: String?, palette: Palette, classCount: Int,
        style: StyleSelection, icpe: Bool, width: Int, height: Int, upsampling: LabelUpsampling.Method
    ) throws {
        try InputFile.checkExists(path, kind: "mask file")
        if let instancesPath { try InputFile.checkExists(instancesPath, kind: "instance map file") }
        // The size is checked from the header, before a huge mask is decoded.
        let labels = try FileProblem.attributing(to: path) {
            try LabelMapFile.read(URL(fileURLWithPath: path), palette: palette, classCount: classCount) { header in
                guard header.width <= width && header.height <= height else {
                    throw FileProblem(
                        file: path,
                        problem:
                            "the mask is \(header.width)x\(header.height) pixels; the picture is \(width)x\(height): "
                            + "give a mask of exactly that size, or a smaller painted grid (it is upsampled)")
                }
            }
        }
        let instances = try InstanceMap.read(instancesPath, matching: labels, labelMapPath: path)
        self.init(
            labels: labels, instances: instances, style: style, icpe: icpe, width: width, height: height,
            upsampling: upsampling)
    }
}

extension InstanceMap {
    /// The instance map file at `path`, the size of `labels` (read from `labelMapPath`); all 0 when there is none.
    static func read(_ path: String?, matching labels: LabelMap, labelMapPath: String) throws -> InstanceMap {
        guard let path else { return InstanceMap(zerosWidth: labels.width, height: labels.height) }
        return try FileProblem.attributing(to: path) {
            try InstanceMapFile.read(URL(fileURLWithPath: path), matching: labels, labelMapPath: labelMapPath)
        }
    }
}
