import ArgumentParser
import CLADE

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
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0 else {
            return nil
        }
        self.init(width: width, height: height)
    }

    /// The size a model of `config` draws by default.
    init(config: ModelConfig) {
        self.init(width: config.width, height: config.height)
    }
}
