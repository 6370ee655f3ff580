/// A key as the painter tells keys apart.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    /// A printable character, or a control character such as ctrl-r (`"\u{12}"`).
    case character(Character)
    case up, down, left, right
    case shiftUp, shiftDown, shiftLeft, shiftRight
    case enter, escape, backspace, delete, tab, backTab
    case home, end, pageUp, pageDown
    case function(Int)

    /// ctrl-`letter` (a...z), as the terminal sends it.
    public static func control(_ letter: Character) -> Key {
        let value = letter.lowercased().unicodeScalars.first!.value
        precondition((97 ... 122).contains(value), "ctrl-\(letter) is not a control key")
        return .character(Character(Unicode.Scalar(value - 96)!))
    }

    /// How the help and the status line name the key.
    public var description: String {
        switch self {
        case .character(let character):
            if let value = character.unicodeScalars.first?.value, value < 32 {
                return "ctrl-" + String(Character(Unicode.Scalar(value + 96)!))
            }
            return character == " " ? "space" : String(character)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .shiftUp: return "shift-↑"
        case .shiftDown: return "shift-↓"
        case .shiftLeft: return "shift-←"
        case .shiftRight: return "shift-→"
        case .enter: return "enter"
        case .escape: return "esc"
        case .backspace: return "backspace"
        case .delete: return "delete"
        case .tab: return "tab"
        case .backTab: return "shift-tab"
        case .home: return "home"
        case .end: return "end"
        case .pageUp: return "page-up"
        case .pageDown: return "page-down"
        case .function(let number): return "F\(number)"
        }
    }
}

/// A mouse report (SGR 1006 encoding), with 0-based screen coordinates.
public struct MouseEvent: Hashable, Sendable {
    public enum Button: Hashable, Sendable { case left, middle, right, wheelUp, wheelDown, none }
    public enum Action: Hashable, Sendable {
        case press
        case release
        /// Motion with a button held (reported with xterm's button-event tracking, mode 1002).
        case drag
        /// Motion with no button held (only with any-event tracking, mode 1003).
        case move
    }

    public var button: Button
    public var action: Action
    public var x: Int
    public var y: Int
    public var shift = false
    public var alt = false
    public var control = false

    public init(
        button: Button, action: Action, x: Int, y: Int, shift: Bool = false, alt: Bool = false, control: Bool = false
    ) {
        self.button = button
        self.action = action
        self.x = x
        self.y = y
        self.shift = shift
        self.alt = alt
        self.control = control
    }
}

/// What the terminal reported.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    /// The terminal changed size (ncurses' KEY_RESIZE after SIGWINCH).
    case resize
}
