import ImageFiles
import Painter
import Testing

@testable import PaintTUI

@Suite struct KeyBindingsTests {
    func entries(_ hints: [Character?]) -> [PaletteEntry] {
        hints.enumerated().map { index, hint in
            PaletteEntry(index: index, name: "class \(index)", color: RGBColor(UInt8(index), 0, 0), hotkey: hint)
        }
    }

    @Test func paletteHintsBecomeCapitalLettersAndDigitsTheFirstTen() {
        let bindings = KeyBindings(palette: entries(["s", "g", nil, "w"]), hasStyle: true)
        #expect(bindings.command(for: .character("S")) == .selectClass(0))
        #expect(bindings.command(for: .character("W")) == .selectClass(3))
        #expect(bindings.command(for: .character("1")) == .selectClass(0))
        #expect(bindings.command(for: .character("3")) == .selectClass(2))
        #expect(bindings.command(for: .character("5")) == nil)
        // The lower-case letters keep their tool meanings.
        #expect(bindings.command(for: .character("s")) == .randomStyle)
        #expect(bindings.classKeys == [.character("S"), .character("G"), .character("3"), .character("W")])
    }

    @Test func hintsThatWouldClashAreNotUsed() {
        // u and i would be U (redo) and I (style from an image); a second x repeats the first; a digit is no letter.
        let bindings = KeyBindings(palette: entries(["u", "i", "x", "x", "7"]), hasStyle: true)
        #expect(bindings.command(for: .character("U")) == .redo)
        #expect(bindings.command(for: .character("I")) == .styleFromImage)
        #expect(bindings.command(for: .character("X")) == .selectClass(2))
        #expect(bindings.classKeys[0] == .character("1") && bindings.classKeys[3] == .character("4"))
        #expect(bindings.command(for: .character("7")) == nil)
    }

    @Test func elevenClassesAndMoreHaveNoDigitBeyondTheTenth() {
        let bindings = KeyBindings(palette: entries(Array(repeating: nil, count: 12)), hasStyle: true)
        #expect(bindings.command(for: .character("0")) == .selectClass(9))
        #expect(bindings.classKeys[10] == nil && bindings.classKeys[11] == nil)
    }

    @Test func everyBindingIsInTheHelpAndTheMarkdownTable() {
        let bindings = KeyBindings(palette: entries(["s", "g"]), hasStyle: false)
        let helpKeys = bindings.groups.flatMap(\.entries)
        for entry in helpKeys where !entry.bindings.isEmpty {
            for binding in entry.bindings {
                #expect(bindings.command(for: binding.key) == binding.command)
                // The shown keys name each bound key (arrows and digits by their range).
                let shown = entry.keys
                let name = binding.key.description
                #expect(
                    shown.contains(name) || shown.contains("arrows") || shown.contains("1-"),
                    "\(name) not in '\(shown)'")
            }
        }
        #expect(bindings.markdown.contains("| `U ctrl-r` | redo |"))
        #expect(bindings.markdown.contains("random style (this model has no style encoder)"))
        #expect(bindings.markdown.split(separator: "\n").count == 2 + bindings.groups.count + helpKeys.count)
    }

    @Test func theCoreKeys() {
        let bindings = KeyBindings(palette: entries([nil, nil]), hasStyle: true)
        let expected: [(Key, Command)] = [
            (.character("h"), .move(dx: -1, dy: 0)), (.down, .move(dx: 0, dy: 1)), (.character(" "), .apply),
            (.enter, .togglePen),
            (.character("b"), .tool(.brush)), (.character("f"), .tool(.fill)), (.character("e"), .tool(.eyedropper)),
            (.character("/"), .tool(.line)), (.character("r"), .tool(.rectangle)), (.character("x"), .tool(.eraser)),
            (.character("["), .brushSmaller), (.character("]"), .brushLarger), (.character("o"), .toggleBrushShape),
            (.character("n"), .newObject), (.character("u"), .undo), (.control("r"), .redo), (.character("c"), .clear),
            (.character("i"), .toggleICPE), (.character("s"), .randomStyle), (.character(","), .styleBack),
            (.character("."), .styleForward), (.character("p"), .presetPicker), (.character("w"), .save),
            (.character("q"), .quit), (.character("?"), .help), (.escape, .cancel), (.control("l"), .redraw),
        ]
        for (key, command) in expected {
            #expect(bindings.command(for: key) == command, "\(key)")
        }
    }
}
