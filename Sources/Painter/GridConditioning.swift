import CLADE

/// A painted grid (or a mask at picture size) to the generator's input, the one way both the painter and
/// `clade-paint render` do it, so a saved painting renders to the same bytes from the command line.
public enum GridConditioning {
    /// The generator's input for a `width x height` picture from class ids and instance ids `[h, w]` (same size,
    /// at most the picture's): a smaller grid is upsampled by `upsampling` (docs/conditioning.md section 1); then the edge map and ICPE distance map where `config` uses them (`icpe` false leaves the
    /// distance map out: ICPE off).
    public static func generatorInput(
        labels: LabelMap, instances: InstanceMap, config: ModelConfig, width: Int, height: Int, icpe: Bool, style: StyleCode?,
        upsampling: LabelUpsampling.Method
    ) -> GeneratorInput {
        var (labels, instances) = (labels, instances)
        if labels.width != width || labels.height != height {
            (labels, instances) = LabelUpsampling.upsample(
                labels: labels, instances: instances, width: width, height: height, method: upsampling)
        }
        let edges = config.useInstanceEdges ? EdgeMap.compute(labels: labels, instances: instances) : nil
        let dontcare = config.containDontcareLabel ? Int32(config.labelNC) : nil
        let distances = config.useICPE && icpe
            ? DistanceMap.compute(labels: labels, instances: instances, ignoredClass: dontcare) : nil
        return GeneratorInput(labels: labels, edges: edges, distances: distances, style: style)
    }
}
