import Foundation

extension ModelFile {
    /// A model of `config` with seeded random weights, for benchmarks and tests (the pictures mean nothing).
    ///
    /// Conv and linear weights ~ N(0, 1 / fan_in) so activations keep their scale through the network; biases and
    /// ICPE convs small; class banks U(0, 1) as in CLADE's init; batch-norm running means near 0, variances near 1.
    public static func random(config: ModelConfig, seed: UInt64, fileName: String = "random model") throws -> ModelFile
    {
        var generator = SplitMix64(seed: seed)
        func uniform(_ low: Float, _ high: Float) -> Float { low + Float(generator.nextUniform()) * (high - low) }
        func normal(_ std: Float) -> Float {
            let a = generator.nextUniform()
            let b = generator.nextUniform()
            return std * Float((-2 * Foundation.log(1 - a)).squareRoot() * Foundation.cos(2 * Double.pi * b))
        }
        var tensors: [String: Tensor] = [:]
        for spec in expectedTensors(for: config) {
            let count = spec.shape.reduce(1, *)
            let name = spec.name
            let values: [Float]
            if name.hasSuffix("running_var") {
                values = (0 ..< count).map { _ in uniform(0.5, 1.5) }
            } else if name.hasSuffix("running_mean")
                || name.hasSuffix(".bias") && !name.contains("class_specified_affine.bias")
            {
                values = (0 ..< count).map { _ in uniform(-0.1, 0.1) }
            } else if name.hasSuffix("class_specified_affine.weight") {
                values = (0 ..< count).map { _ in uniform(0, 1) }
            } else if name.hasSuffix("class_specified_affine.bias") {
                values = (0 ..< count).map { _ in uniform(-0.5, 0.5) }
            } else {
                let fanIn = spec.shape.dropFirst().reduce(1, *)
                let std = 1 / Float(fanIn).squareRoot()
                values = (0 ..< count).map { _ in normal(std) }
            }
            tensors[name] = Tensor(shape: spec.shape, data: values)
        }
        return try ModelFile(config: config, tensors: tensors, fileName: fileName)
    }
}
