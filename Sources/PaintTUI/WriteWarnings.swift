import Foundation
import Painter

/// What the painter cannot write, said once: the output folder at the start, the autosave and the preview picture
/// each time their problem changes (a read-only state folder fails every write the same way; it is said once, not
/// with every render). Each message names every problem standing, so a later one does not hide an earlier one.
/// The painter goes on painting either way.
struct WriteWarnings {
    private var output: String?
    private var autosave: String?
    private var preview: String?

    /// Notes whether `w` will be able to save into `outputFolder`.
    init(outputFolder: URL) {
        output = SaveClaim.problem(in: outputFolder).map { "w cannot save: \($0)" }
    }

    /// Every problem standing, in words.
    var message: String? {
        let problems = [output, autosave, preview].compactMap { $0 }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    /// Takes the newest problems of the autosave and the preview (nil: that file was written fine); returns whether
    /// one of them is new.
    mutating func update(autosave: String?, preview: String?) -> Bool {
        defer { (self.autosave, self.preview) = (autosave, preview) }
        return (autosave != nil && autosave != self.autosave) || (preview != nil && preview != self.preview)
    }
}
