import CLADE
import Foundation
import ImageFiles

/// One picture's maps straight from a public data set (`render --labels FORMAT`): the label file at its own size with
/// the data set's label values, its instance map and optionally the official precomputed distance map. They reach the
/// model's size the way the official test pipeline brings them there, under the model's conditioning conventions
/// (`DataSetConditioning`, docs/conditioning.md section 6).
struct DataSetMaps: RenderJob {
    let path: String
    let format: DataSetLabelFormat
    let labels: LabelMap
    let instances: InstanceMap
    /// The official `.npy` distance map `[2, h, w]` at the label file's size, when one was given.
    let distances: Tensor?

    init(path: String, instancesPath: String?, distancesPath: String?, format: DataSetLabelFormat) throws {
        try InputFile.checkExists(path, kind: "label file")
        if let instancesPath { try InputFile.checkExists(instancesPath, kind: "instance map file") }
        let labels = try FileProblem.attributing(to: path) { try format.read(URL(fileURLWithPath: path)) }
        let instances = try instancesPath.map { instancesPath in
            try FileProblem.attributing(to: instancesPath) {
                try InstanceMapFile.read(URL(fileURLWithPath: instancesPath), matching: labels, labelMapPath: path)
            }
        } ?? InstanceMap(zerosWidth: labels.width, height: labels.height)
        let distances = try distancesPath.map(DistanceMapFile.read)
        if let distances, let distancesPath, distances.shape[1] != labels.height || distances.shape[2] != labels.width {
            throw FileProblem(file: distancesPath, problem: "the distance map is \(distances.shape[2])x\(distances.shape[1]) but the label file "
                + "\(path) is \(labels.width)x\(labels.height); the official maps are computed at the label file's size")
        }
        self.path = path
        self.format = format
        self.labels = labels
        self.instances = instances
        self.distances = distances
    }

    func generatorInput(config: ModelConfig, width: Int, height: Int, icpe: Bool, style: StyleCode?) -> GeneratorInput {
        DataSetConditioning.generatorInput(labels: labels, instances: instances, distances: distances, config: config,
                                           width: width, height: height, icpe: icpe, style: style)
    }

    func note(width: Int, height: Int) -> String {
        " (\(format.dataSetName) labels \(labels.width)x\(labels.height)\(distances == nil ? "" : ", official distance map"))"
    }
}
