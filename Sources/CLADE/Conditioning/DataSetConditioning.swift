/// A data set's label and instance maps, at their own size, to the generator's input, as the official SPADE/CLADE
/// test pipeline makes it, under the model's `ConditioningConventions` (docs/conditioning.md, section 6).
///
/// Labels and instances are brought to the picture's size by Pillow's nearest rule (`PillowNearestResize`); the edge
/// map is made there. The distance map is made at the picture's size, or on the source maps and then resized by
/// PyTorch's nearest rule (`NearestResize`), as the model says; a precomputed one (the official `.npy` files, any
/// size) is resized the same way.
public enum DataSetConditioning {
    /// The generator's input for a `width x height` picture from class ids and instance ids `[h, w]` (same size).
    /// `distances` `[2, h', w']` replaces the computed distance map; `icpe` false leaves it out (ICPE off).
    public static func generatorInput(
        labels: LabelMap, instances: InstanceMap, distances: Tensor? = nil, config: ModelConfig,
        width: Int, height: Int, icpe: Bool, style: StyleCode?
    ) -> GeneratorInput {
        labels.requireSize(of: instances)
        let conventions = config.conditioning
        let picture = PillowNearestResize.resize(labels, width: width, height: height)
        let pictureInstances = PillowNearestResize.resize(instances, width: width, height: height)
        let edges =
            config.useInstanceEdges
            ? EdgeMap.compute(labels: picture, instances: pictureInstances, rule: conventions.edges) : nil
        var distanceMap: Tensor?
        if config.useICPE && icpe {
            let ignored = conventions.ignoredClass(
                labelNC: config.labelNC, containDontcareLabel: config.containDontcareLabel)
            if let distances {
                distanceMap = NearestResize.resize(distances, width: width, height: height)
            } else if conventions.icpeMapSize == .source {
                let source = DistanceMap.compute(
                    labels: labels, instances: instances, ignoredClass: ignored, rule: conventions.icpeObjects)
                distanceMap = NearestResize.resize(source, width: width, height: height)
            } else {
                distanceMap = DistanceMap.compute(
                    labels: picture, instances: pictureInstances, ignoredClass: ignored, rule: conventions.icpeObjects)
            }
        }
        return GeneratorInput(labels: picture, edges: edges, distances: distanceMap, style: style)
    }
}
