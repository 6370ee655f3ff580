import Painter

/// Every key of the painter with its command and its line in the help, built for one model's palette. The help
/// overlay and the README's key table are printed from `groups`, so no key goes undocumented.
public struct KeyBindings: Sendable {
    /// One line of the help: the keys as shown, what they do, and the keys' commands.
    public struct Entry: Sendable {
        public let keys: String
        public let help: String
        public let bindings: [(key: Key, command: Command)]
    }

    public struct Group: Sendable {
        public let title: String
        public let entries: [Entry]
    }

    public let groups: [Group]
    /// The key that selects each class, by class id (nil: no key; the class is reached with tab or the mouse).
    public let classKeys: [Key?]
    private let commands: [Key: Command]

    /// Keys the painter's own commands take; a palette key hint that would clash with them is not used.
    static let reservedUppercase: Set<Character> = ["U", "I", "O"]

    /// - palette: the model's classes; digits select the first ten, and each palette key hint `x` (a letter)
    ///   selects its class as the capital `X`, so hints never clash with the lower-case tool keys.
    /// - hasStyle: whether the model has a style encoder (else the style keys only say that it has none).
    public init(palette: [PaletteEntry], hasStyle: Bool) {
        var classKeys = [Key?](repeating: nil, count: palette.count)
        var hintKeys: [(Key, Command)] = []
        var hintLabels: [String] = []
        for entry in palette {
            guard let hint = entry.hotkey, hint.isLetter, hint.isASCII else { continue }
            let capital = Character(hint.uppercased())
            guard !Self.reservedUppercase.contains(capital), !hintKeys.contains(where: { $0.0 == .character(capital) })
            else { continue }
            hintKeys.append((.character(capital), .selectClass(entry.index)))
            hintLabels.append(String(capital))
            classKeys[entry.index] = .character(capital)
        }
        var digitKeys: [(Key, Command)] = []
        for index in 0 ..< min(10, palette.count) {
            let key = Key.character(Character(String((index + 1) % 10)))
            digitKeys.append((key, .selectClass(index)))
            if classKeys[index] == nil { classKeys[index] = key }
        }
        let digitLabel = palette.count >= 10 ? "1-9 0" : "1-\(palette.count)"
        let style = hasStyle ? "" : " (this model has no style encoder)"

        func entry(_ keys: String, _ help: String, _ bindings: [(Key, Command)]) -> Entry {
            Entry(keys: keys, help: help, bindings: bindings.map { (key: $0.0, command: $0.1) })
        }
        var classEntries = [
            entry(digitLabel, "select one of the first \(min(10, palette.count)) classes", digitKeys),
            entry("tab shift-tab", "next / previous class", [(.tab, .nextClass), (.backTab, .previousClass)]),
        ]
        if !hintKeys.isEmpty {
            classEntries.append(
                entry(hintLabels.joined(separator: " "), "select a class by its letter (see the palette)", hintKeys))
        }
        classEntries.append(entry("mouse", "click a class in the palette", []))

        groups = [
            Group(
                title: "Move and paint",
                entries: [
                    entry(
                        "← ↓ ↑ → h j k l", "move the cursor",
                        [
                            (.left, .move(dx: -1, dy: 0)), (.down, .move(dx: 0, dy: 1)), (.up, .move(dx: 0, dy: -1)),
                            (.right, .move(dx: 1, dy: 0)),
                            (.character("h"), .move(dx: -1, dy: 0)), (.character("j"), .move(dx: 0, dy: 1)),
                            (.character("k"), .move(dx: 0, dy: -1)), (.character("l"), .move(dx: 1, dy: 0)),
                        ]),
                    entry(
                        "shift-arrows", "move the cursor 4 cells",
                        [
                            (.shiftLeft, .move(dx: -4, dy: 0)), (.shiftDown, .move(dx: 0, dy: 4)),
                            (.shiftUp, .move(dx: 0, dy: -4)), (.shiftRight, .move(dx: 4, dy: 0)),
                        ]),
                    entry(
                        "space", "use the tool here (line, rectangle: start; again: end)", [(.character(" "), .apply)]),
                    entry("enter", "pen down / up: moving paints", [(.enter, .togglePen)]),
                    entry("mouse", "click or drag paints, right click picks a class, the wheel sizes the brush", []),
                ]),
            Group(
                title: "Tools",
                entries: [
                    entry("b", "brush", [(.character("b"), .tool(.brush))]),
                    entry("f", "fill", [(.character("f"), .tool(.fill))]),
                    entry("e", "eyedropper (pick a class)", [(.character("e"), .tool(.eyedropper))]),
                    entry("/", "line", [(.character("/"), .tool(.line))]),
                    entry("r", "rectangle", [(.character("r"), .tool(.rectangle))]),
                    entry("x", "eraser (back to the starting scene)", [(.character("x"), .tool(.eraser))]),
                    entry(
                        "[ ]", "brush size smaller / larger",
                        [(.character("["), .brushSmaller), (.character("]"), .brushLarger)]),
                    entry("o", "brush shape round / square", [(.character("o"), .toggleBrushShape)]),
                    entry("n", "new object (a separate instance)", [(.character("n"), .newObject)]),
                ]),
            Group(title: "Classes", entries: classEntries),
            Group(
                title: "Edit",
                entries: [
                    entry("u", "undo", [(.character("u"), .undo)]),
                    entry("U ctrl-r", "redo", [(.character("U"), .redo), (.control("r"), .redo)]),
                    entry("c", "clear the canvas (asks)", [(.character("c"), .clear)]),
                ]),
            Group(
                title: "Picture",
                entries: [
                    entry("i", "ICPE on / off", [(.character("i"), .toggleICPE)]),
                    entry("s", "random style\(style)", [(.character("s"), .randomStyle)]),
                    entry(
                        ", .", "style back / forward",
                        [(.character(","), .styleBack), (.character("."), .styleForward)]),
                    entry("p", "style presets", [(.character("p"), .presetPicker)]),
                    entry("I", "style from an image (asks for a PNG)", [(.character("I"), .styleFromImage)]),
                ]),
            Group(
                title: "File and screen",
                entries: [
                    entry("w", "save picture, mask, instances, JSON", [(.character("w"), .save)]),
                    entry("O", "open a painting saved lately", [(.character("O"), .open)]),
                    entry("q ctrl-c", "quit (asks when unsaved)", [(.character("q"), .quit), (.control("c"), .quit)]),
                    entry("?", "this help", [(.character("?"), .help)]),
                    entry("esc", "lift the pen, close a dialog", [(.escape, .cancel)]),
                    entry("ctrl-l", "redraw the screen", [(.control("l"), .redraw)]),
                ]),
        ]
        var commands: [Key: Command] = [:]
        for group in groups {
            for entry in group.entries {
                for binding in entry.bindings {
                    precondition(
                        commands.updateValue(binding.command, forKey: binding.key) == nil,
                        "key \(binding.key) is bound twice")
                }
            }
        }
        self.commands = commands
        self.classKeys = classKeys
    }

    public func command(for key: Key) -> Command? { commands[key] }

    /// The keys table as Markdown, for the README.
    public var markdown: String {
        var lines = ["| Keys | What they do |", "| --- | --- |"]
        for group in groups {
            lines.append("| **\(group.title)** | |")
            for entry in group.entries {
                let keys = entry.keys.replacingOccurrences(of: "|", with: "\\|")
                lines.append("| `\(keys)` | \(entry.help) |")
            }
        }
        return lines.joined(separator: "\n")
    }
}
