import ArgumentParser
import Foundation

/// The bounds of `--threads`: the engine starts that many threads for every product, so a slip of the finger
/// (100000) would spend the run creating threads rather than drawing.
enum ThreadCount {
    static let largest = 1024

    static func validate(_ threads: Int?) throws {
        guard let threads else { return }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1.") }
        guard threads <= largest else {
            throw ValidationError(
                "--threads \(threads): at most \(largest) (this machine has \(ProcessInfo.processInfo.activeProcessorCount) processors)."
            )
        }
    }
}
