/// The style encoder of multi-modal synthesis (PyTorch `ConvEncoder`): an RGB image to the mean and log-variance
/// of its style code.
///
///     x = bilinear(image, 256 x 256)                              [3, 256, 256] in [-1, 1]
///     x = lrelu(instance_norm(layer_i(x)))  for i = 1 ... 6       3x3 convs, stride 2, pad 1, no bias:
///                                                                 3 -> ndf -> 2ndf -> 4ndf -> 8ndf -> 8ndf -> 8ndf
///     mu = fc_mu(flatten(x)), logvar = fc_var(flatten(x))         flatten [8ndf, 4, 4] -> [8ndf * 16]; -> [z_dim]
///
/// The style of a reference picture is `mu`; `z = mu + eps * exp(0.5 logvar)` samples around it.
public final class StyleEncoder: Sendable {
    /// The encoder's input size.
    public static let inputSize = 256

    public let layers: [Conv2d]
    public let fcMu: Linear
    public let fcVar: Linear

    public init(layers: [Conv2d], fcMu: Linear, fcVar: Linear) {
        self.layers = layers
        self.fcMu = fcMu
        self.fcVar = fcVar
    }

    /// The encoder stored in `model` under `encoder.`; throws when the model has none (no `use_vae`).
    public convenience init(model: borrowing ModelFile) throws {
        guard model.config.useVAE else {
            throw ModelFileError(file: model.fileName, problems: ["this model has no style encoder (use_vae is false)"])
        }
        self.init(
            layers: (1 ... 6).map {
                Conv2d(weight: model["encoder.layer\($0).0.weight"], bias: nil, stride: 2, padding: 1)
            },
            fcMu: Linear(weight: model["encoder.fc_mu.weight"], bias: model["encoder.fc_mu.bias"]),
            fcVar: Linear(weight: model["encoder.fc_var.weight"], bias: model["encoder.fc_var.bias"]))
    }

    /// `(mu, logvar)`, each `[z_dim]`, for an RGB image `[3, h, w]` with values in [-1, 1].
    /// The observer sees the resized input (`"input"`) and each layer's activation (`"layer1"` ... `"layer6"`).
    public func callAsFunction(_ image: Tensor, observer: ((String, Tensor) -> Void)? = nil) -> (
        mu: Tensor, logvar: Tensor
    ) {
        precondition(
            image.shape.count == 3 && image.channels == 3,
            "the style encoder takes an RGB image [3, h, w], got \(image.shape)")
        let workspace = Workspace()
        var x = resizeBilinear(image, height: Self.inputSize, width: Self.inputSize)
        observer?("input", x)
        for (index, layer) in layers.enumerated() {
            x = ParamFreeNorm.instance(layer(x, workspace: workspace))
            leakyReLU(&x)
            observer?("layer\(index + 1)", x)
        }
        return (fcMu(x), fcVar(x))
    }
}
