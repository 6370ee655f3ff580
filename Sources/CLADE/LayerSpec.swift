/// The name and shape of one tensor a model file must hold.
public struct TensorSpec: Sendable, Equatable {
    public let name: String
    public let shape: [Int]

    public init(_ name: String, _ shape: [Int]) {
        self.name = name
        self.shape = shape
    }
}

/// One learned layer as the PyTorch module defines it: the name its tensors start with, its kind and sizes, and the
/// size of the map it produces. `ModelFile` checks a file's tensors against these and `ModelCost` counts them.
public struct LayerSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `weight [outputs, inputs, kernel, kernel]`, and `bias [outputs]` when it has one.
        case conv(inputs: Int, outputs: Int, kernel: Int, bias: Bool)
        /// `weight [outputs, inputs]`, `bias [outputs]`.
        case linear(inputs: Int, outputs: Int)
        /// CLADE's class-specified affine: the tables `weight` (gamma) and `bias` (beta), `[classes, channels]` each.
        case classAffine(classes: Int, channels: Int)
        /// A batch norm's `running_mean` and `running_var` `[channels]`: buffers, not parameters.
        case runningStatistics(channels: Int)
    }

    public let name: String
    public let kind: Kind
    /// The produced map's height times width: the positions each weight of a conv is applied at.
    public let outputPositions: Int

    public var tensors: [TensorSpec] {
        switch kind {
        case .conv(let inputs, let outputs, let kernel, let bias):
            [TensorSpec("\(name).weight", [outputs, inputs, kernel, kernel])]
                + (bias ? [TensorSpec("\(name).bias", [outputs])] : [])
        case .linear(let inputs, let outputs):
            [TensorSpec("\(name).weight", [outputs, inputs]), TensorSpec("\(name).bias", [outputs])]
        case .classAffine(let classes, let channels):
            [TensorSpec("\(name).weight", [classes, channels]), TensorSpec("\(name).bias", [classes, channels])]
        case .runningStatistics(let channels):
            [TensorSpec("\(name).running_mean", [channels]), TensorSpec("\(name).running_var", [channels])]
        }
    }

    /// Learned parameters (weights and biases, not buffers) and multiply-adds for one picture.
    public var cost: ModelCost.Count {
        switch kind {
        case .conv(let inputs, let outputs, let kernel, let bias):
            let weights = outputs * inputs * kernel * kernel
            return ModelCost.Count(parameters: weights + (bias ? outputs : 0), macs: weights * outputPositions)
        case .linear(let inputs, let outputs):
            return ModelCost.Count(parameters: outputs * inputs + outputs, macs: outputs * inputs)
        case .classAffine(let classes, let channels):
            // A table lookup per position, no multiply-add.
            return ModelCost.Count(parameters: 2 * classes * channels, macs: 0)
        case .runningStatistics:
            return .zero
        }
    }
}

/// One part of the network: `fc` (the head's input layer), a residual block (`head_0`, `G_middle_0`, ... `up_4`),
/// `conv_img`, or `encoder` (the whole style encoder), with its layers and the feature size it works at.
public struct LayerGroup: Sendable, Equatable {
    public let name: String
    /// The feature map's width and height (the encoder's: its input's).
    public let width: Int, height: Int
    /// The convolutions and linear layers of the main path.
    public let layers: [LayerSpec]
    /// The normalisation layers' own layers.
    public let normalization: [LayerSpec]
}

extension ModelConfig {
    /// The network's learned layers, group by group in network order (the encoder last), as the PyTorch modules
    /// build them (`networks.py`); their tensors in this order are those of `docs/model-format.md`.
    public var layerGroups: [LayerGroup] {
        var (height, width) = (headHeight, headWidth)
        var groups = [
            LayerGroup(
                name: "fc", width: width, height: height,
                layers: [
                    useVAE
                        ? LayerSpec(
                            name: "fc", kind: .linear(inputs: zDim, outputs: blocks[0].inputChannels * height * width),
                            outputPositions: 1)
                        : LayerSpec(
                            name: "fc",
                            kind: .conv(inputs: semanticNC, outputs: blocks[0].inputChannels, kernel: 3, bias: true),
                            outputPositions: height * width)
                ], normalization: [])
        ]
        for block in blocks {
            if block.upsampledBefore { (height, width) = (2 * height, 2 * width) }
            func conv(_ name: String, _ inputs: Int, _ outputs: Int, kernel: Int = 3, bias: Bool = true) -> LayerSpec {
                LayerSpec(
                    name: name, kind: .conv(inputs: inputs, outputs: outputs, kernel: kernel, bias: bias),
                    outputPositions: height * width)
            }
            // CLADE with instance edges appends the edge channel to the modulated features.
            let e = useInstanceEdges && block.norm == .clade ? 1 : 0
            let (b, fin, fmid, fout) = (block.name, block.inputChannels, block.middleChannels, block.outputChannels)
            var layers = [conv("\(b).conv_0", fin + e, fmid), conv("\(b).conv_1", fmid + e, fout)]
            var norms = [("norm_0", fin), ("norm_1", fmid)]
            if block.learnedShortcut {
                layers.append(conv("\(b).conv_s", fin + e, fout, kernel: 1, bias: false))
                norms.append(("norm_s", fin))
            }
            let normalization = norms.flatMap { norm, channels in
                let n = "\(b).\(norm)"
                var specs =
                    paramFreeNorm == .batch
                    ? [
                        LayerSpec(
                            name: "\(n).param_free_norm", kind: .runningStatistics(channels: channels),
                            outputPositions: height * width)
                    ]
                    : []
                switch block.norm {
                case .clade:
                    let a = "\(n).class_specified_affine"
                    specs.append(
                        LayerSpec(
                            name: a, kind: .classAffine(classes: classCount, channels: channels),
                            outputPositions: height * width))
                    if useICPE {
                        specs += [conv("\(a).dist_conv_w", 2, 1, kernel: 1), conv("\(a).dist_conv_b", 2, 1, kernel: 1)]
                    }
                    if useInstanceEdges { specs.append(conv("\(n).inst_conv", 1, 1, kernel: 1)) }
                case .spade:
                    let hidden = SPADENorm.hiddenChannels
                    specs += [
                        conv("\(n).mlp_shared.0", semanticNC, hidden), conv("\(n).mlp_gamma", hidden, channels),
                        conv("\(n).mlp_beta", hidden, channels),
                    ]
                }
                return specs
            }
            groups.append(
                LayerGroup(name: b, width: width, height: height, layers: layers, normalization: normalization))
        }
        groups.append(
            LayerGroup(
                name: "conv_img", width: width, height: height,
                layers: [
                    LayerSpec(
                        name: "conv_img",
                        kind: .conv(inputs: blocks.last!.outputChannels, outputs: 3, kernel: 3, bias: true),
                        outputPositions: height * width)
                ], normalization: []))
        if useVAE { groups.append(encoderLayers) }
        return groups
    }

    /// The style encoder: six 3x3 stride-2 convolutions without bias (instance norm without affine after each) from
    /// its 256x256 input down to 4x4, then `fc_mu` and `fc_var`.
    private var encoderLayers: LayerGroup {
        let ndf = ngf
        let widths = [3, ndf, 2 * ndf, 4 * ndf, 8 * ndf, 8 * ndf, 8 * ndf]
        var size = StyleEncoder.inputSize
        var layers: [LayerSpec] = (1 ... 6).map { layer in
            size /= 2
            return LayerSpec(
                name: "encoder.layer\(layer).0",
                kind: .conv(inputs: widths[layer - 1], outputs: widths[layer], kernel: 3, bias: false),
                outputPositions: size * size)
        }
        for head in ["fc_mu", "fc_var"] {
            layers.append(
                LayerSpec(
                    name: "encoder.\(head)", kind: .linear(inputs: 8 * ndf * size * size, outputs: zDim),
                    outputPositions: 1))
        }
        return LayerGroup(
            name: ModelCost.encoderName, width: StyleEncoder.inputSize, height: StyleEncoder.inputSize, layers: layers,
            normalization: [])
    }
}
