import CLADE
import ImageFiles

/// Which style code the picture is drawn with.
public enum StyleSelection: Sendable, Equatable, Codable {
    /// The model has no style encoder: the picture follows from the mask alone.
    case none
    /// The model's random style of this seed, `StyleCode.random(seed:count:bank:)`: a row of its style bank, or
    /// N(0, I) without one; the same code in Swift and Python (docs/conditioning.md section 5).
    case seed(UInt64)
    /// A preset named in the model's config (`stylePresets`).
    case preset(String)
    /// An explicit code (`zDim` values), e.g. the encoder's mu for a reference picture named by `source`.
    case code(StyleCode, source: String)

    /// The style code for a model of `config` whose random styles come from `bank` (nil: N(0, I)); nil for `.none`.
    /// - Throws: `PainterError` for a preset the model does not have or a code of the wrong length.
    public func styleCode(config: ModelConfig, bank: StyleBank?) throws -> StyleCode? {
        switch self {
        case .none:
            return nil
        case .seed(let seed):
            return StyleCode.random(seed: seed, count: config.zDim, bank: bank)
        case .preset(let name):
            guard let values = config.stylePresets[name] else {
                let names = config.stylePresets.keys.sorted()
                throw PainterError(
                    "no style preset '\(name)' in this model"
                        + (names.isEmpty ? " (it has none)" : "; its presets are \(names.joined(separator: ", "))"))
            }
            return StyleCode(values: values)
        case .code(let code, let source):
            guard code.values.count == config.zDim else {
                throw PainterError(
                    "the style code from \(source) has \(code.values.count) values; the model's z_dim is \(config.zDim)"
                )
            }
            return code
        }
    }

    /// The style of a reference picture: the style encoder's mu, named by `source`.
    public static func encoding(_ reference: PNGImage, by encoder: StyleEncoder, source: String) -> StyleSelection {
        .code(StyleCode(values: encoder(reference.tensor).mu.data), source: source)
    }

    /// A short line for the status bar: `seed 42`, `preset sunset`, `from ref.png`, `none`.
    public var summary: String {
        switch self {
        case .none: "none"
        case .seed(let seed): "seed \(seed)"
        case .preset(let name): "preset \(name)"
        case .code(_, let source): "from \(source)"
        }
    }
}
