import ArgumentParser
import CLADE
import Painter

/// The value of `--size`: `WxH` in pixels, e.g. `512x256`.
struct PictureSize: Equatable, ExpressibleByArgument {
    var width: Int
    var height: Int

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0 else { return nil }
        self.init(width: width, height: height)
    }

    /// The size a model of `config` draws by default.
    init(config: ModelConfig) {
        self.init(width: config.width, height: config.height)
    }

    /// Why a model of `config` cannot draw this size, or nil when it can. A model with a style encoder maps the code
    /// to a head of fixed size, so `--size` offers only its own size (the engine's reduced scales,
    /// `ModelConfig.sizeProblem`, serve the painter's drafts); the others draw any multiple of `2^n`.
    /// The size is bounded as a saved painting's is (`SessionRecord.maximumSide`), and checked before anything is
    /// allocated for the picture.
    func problem(for config: ModelConfig) -> String? {
        if config.useVAE {
            guard width == config.width && height == config.height else {
                return "this model starts from a style code (use_vae), so it draws only its own size, \(config.width)x\(config.height)"
            }
            return nil
        }
        let largest = SessionRecord.maximumSide
        guard width <= largest && height <= largest else {
            return "at most \(largest)x\(largest) pixels (a \(largest)x\(largest) picture takes gigabytes while it is drawn)"
        }
        let step = 1 << config.upsamplingCount
        guard width % step == 0 && height % step == 0 else {
            return "width and height must be multiples of \(step) for this model (\(config.upsamplingCount) upsamplings)"
        }
        return nil
    }
}
