import Foundation
import Painter

/// What the painter cannot write, said once: the output folder at the start, the autosave and the preview picture
/// each time their problem changes (a read-only state folder fails every write the same way; it is said once, not
/// with every render). The painter goes on painting either way.
struct WriteWarnings {
    private var autosave: String?
    private var preview: String?

    /// Whether `w` will be able to save into `outputFolder`, in words, if not.
    static func atStart(outputFolder: URL) -> [String] {
        SaveClaim.problem(in: outputFolder).map { ["w cannot save: \($0)"] } ?? []
    }

    /// The problems that are new since the last call (nil: that file was written fine).
    mutating func news(autosave: String?, preview: String?) -> [String] {
        defer { (self.autosave, self.preview) = (autosave, preview) }
        return [autosave.flatMap { $0 == self.autosave ? nil : $0 }, preview.flatMap { $0 == self.preview ? nil : $0 }].compactMap { $0 }
    }
}
