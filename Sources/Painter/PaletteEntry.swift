import ImageFiles

/// One class as the palette panel shows it: id, name, colour and hotkey (from the palette file's `# key:` hints).
public struct PaletteEntry: Sendable, Equatable {
    /// The class id (row of the class bank).
    public let index: Int
    public let name: String
    public let color: RGBColor
    /// The key that selects this class, when the palette names one.
    public let hotkey: Character?

    public init(index: Int, name: String, color: RGBColor, hotkey: Character?) {
        self.index = index
        self.name = name
        self.color = color
        self.hotkey = hotkey
    }

    /// One entry per class of a model with `classCount` classes: names from the model (`classNames`) where it
    /// has them, else from the palette; colours and hotkeys from the palette.
    public static func entries(palette: Palette, classNames: [String], classCount: Int) -> [PaletteEntry] {
        (0 ..< classCount).map { index in
            let entry = index < palette.count ? palette.entries[index] : nil
            let name = index < classNames.count ? classNames[index] : (entry?.name ?? "class \(index)")
            return PaletteEntry(index: index, name: name, color: entry?.color ?? RGBColor(0, 0, 0), hotkey: entry?.key)
        }
    }
}
