import CLADE
import ImageFiles

/// The picture the engine draws in this process, composed from the engine's parts as docs/conditioning.md
/// describes: a smaller mask is upsampled with its instance grid, then edge and distance maps where the model
/// uses them. clade-paint's output must equal it byte for byte.
func enginePicture(
    model: ModelFile, labels: LabelMap, instances: InstanceMap? = nil, width: Int? = nil, height: Int? = nil,
    icpe: Bool = true, style: StyleCode?
) throws -> [UInt8] {
    BLASThreads.configure(1)
    let config = model.config
    let (width, height) = (width ?? config.width, height ?? config.height)
    var labels = labels
    var instances = instances ?? InstanceMap(zerosWidth: labels.width, height: labels.height)
    if labels.width != width || labels.height != height {
        (labels, instances) = LabelUpsampling.upsample(
            labels: labels, instances: instances, width: width, height: height)
    }
    let input = GeneratorInput(
        labels: labels,
        edges: config.useInstanceEdges ? EdgeMap.compute(labels: labels, instances: instances) : nil,
        distances: config.useICPE && icpe
            ? DistanceMap.compute(
                labels: labels, instances: instances,
                ignoredClass: config.containDontcareLabel ? Int32(config.labelNC) : nil)
            : nil,
        style: style)
    return PNGImage(tensor: try Generator(model: model)(input)).pixels
}

/// How many bytes of two pictures differ (all of the longer one's extra bytes count); 0 means equal.
func differingBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
    zip(a, b).count { $0 != $1 } + abs(a.count - b.count)
}
