import CLADE
import Foundation
import ImageFiles
import Painter

extension RenderRequest {
    /// The request for one picture's maps straight from a public data set (`render --labels FORMAT`): the label file
    /// at its own size with the data set's label values, its instance map and optionally the official precomputed
    /// distance map (`.npy`, the label file's size). They reach the picture's size the way the official test pipeline
    /// brings them there (`Conditioning.dataSet`).
    init(
        labels path: String, format: DataSetLabelFormat, instancesPath: String?, distancesPath: String?,
        style: StyleSelection, icpe: Bool, width: Int, height: Int
    ) throws {
        try InputFile.checkExists(path, kind: "label file")
        if let instancesPath { try InputFile.checkExists(instancesPath, kind: "instance map file") }
        let labels = try FileProblem.attributing(to: path) { try format.read(URL(fileURLWithPath: path)) }
        let instances = try InstanceMap.read(instancesPath, matching: labels, labelMapPath: path)
        let distances = try distancesPath.map(DistanceMapFile.read)
        if let distances, let distancesPath, distances.shape[1] != labels.height || distances.shape[2] != labels.width {
            throw FileProblem(
                file: distancesPath,
                problem: "the distance map is \(distances.shape[2])x\(distances.shape[1]) but the label file "
                    + "\(path) is \(labels.width)x\(labels.height); the official maps are computed at the label file's size"
            )
        }
        self.init(
            labels: labels, instances: instances, style: style, icpe: icpe, width: width, height: height,
            conditioning: .dataSet(distances: distances))
    }
}
