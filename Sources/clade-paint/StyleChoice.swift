import ArgumentParser
import Painter

/// The value of `--style`: a random style code, one from a given seed, or a preset named in the model's config.
enum StyleChoice: Equatable, ExpressibleByArgument {
    /// A fresh seed for every run (printed, so the picture can be made again).
    case random
    /// The model's random style of this seed, `StyleCode.random(seed:count:bank:)` (a row of its style bank, or
    /// N(0, I) without one), the same code in Swift and Python (docs/conditioning.md section 5).
    case seed(UInt64)
    /// `config.stylePresets[name]`.
    case preset(String)

    init?(argument: String) {
        if argument == "random" {
            self = .random
        } else if let seed = UInt64(argument) {
            self = .seed(seed)
        } else if argument.isEmpty || argument.first!.isNumber || argument.first == "-" {
            // A typo of a seed ("12a", "-3") is more likely than a preset named like that.
            return nil
        } else {
            self = .preset(argument)
        }
    }

    /// The style this choice stands for; `seedSource` draws the seed for `.random`.
    func selection(seedSource: () -> UInt64) -> StyleSelection {
        switch self {
        case .random: .seed(seedSource())
        case .seed(let seed): .seed(seed)
        case .preset(let name): .preset(name)
        }
    }
}
