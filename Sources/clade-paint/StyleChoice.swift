import ArgumentParser
import CLADE

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

    /// The style code this choice stands for with `model`, and a line that says how to get it again.
    /// - seedSource: draws the seed for `.random`.
    func resolve(model: ModelFile, modelPath: String, seedSource: () -> UInt64) throws -> (code: StyleCode, summary: String) {
        let config = model.config
        switch self {
        case .random:
            let seed = seedSource()
            return (StyleCode.random(seed: seed, count: config.zDim, bank: model.styleBank), "random, seed \(seed) (again: --style \(seed))")
        case .seed(let seed):
            return (StyleCode.random(seed: seed, count: config.zDim, bank: model.styleBank), "seed \(seed)")
        case .preset(let name):
            guard let values = config.stylePresets[name] else {
                let names = config.stylePresets.keys.sorted()
                let known = names.isEmpty ? "the model has no style presets" : "its presets are \(names.joined(separator: ", "))"
                throw FileProblem(file: modelPath, problem: "no style preset '\(name)': \(known); --style also takes 'random' or a seed (a whole number)")
            }
            return (StyleCode(values: values), "preset '\(name)'")
        }
    }
}
