import Foundation
import Painter

/// A question the painter waits on before anything else happens.
public enum Confirmation: Sendable, Equatable {
    /// Quit with unsaved changes.
    case quit
    /// Clear the canvas back to the starting scene.
    case clear
    /// Carry on with the painting an earlier run left in the autosave.
    case restore(AutosaveRecord)
    /// Open the painting saved just before the last run ended (a session file).
    case resume(URL)
    /// Open a saved painting (a session file) although the painting on the canvas has unsaved changes.
    case openUnsaved(URL)
}

/// A line of text typed into the painter, e.g. the path of a reference picture.
public struct TextPrompt: Sendable, Equatable {
    public var title: String
    public var text: String

    public init(title: String, text: String = "") {
        self.title = title
        self.text = text
    }

    /// The typed path with a leading `~/` meaning the home folder.
    public func url(home: String = NSHomeDirectory()) -> URL {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "~" { return URL(fileURLWithPath: home) }
        if trimmed.hasPrefix("~/") {
            return URL(fileURLWithPath: home).appendingPathComponent(String(trimmed.dropFirst(2)))
        }
        return URL(fileURLWithPath: trimmed)
    }
}

/// What covers the panels and takes the keys until it closes.
public enum Dialog: Sendable, Equatable {
    /// The keys overlay, showing page `page` of `HelpOverlay.pages`.
    case help(page: Int)
    case confirm(Confirmation)
    case prompt(TextPrompt)
    /// The style presets, `selected` the highlighted one (index into the sorted names).
    case presets(selected: Int)
    /// The paintings saved lately (session files, newest first), `selected` the highlighted one.
    case open(saves: [URL], selected: Int)
}
