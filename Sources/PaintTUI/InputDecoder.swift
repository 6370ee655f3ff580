/// One unit of input as the terminal backend reads it (ncurses `wget_wch` with keypad on).
public enum TerminalInput: Hashable, Sendable {
    /// A character ncurses did not turn into a key code (including ESC and control characters).
    case character(Unicode.Scalar)
    /// A key ncurses recognised from the terminal description (arrows, function keys ...).
    case key(Key)
    /// ncurses matched the terminal's mouse prefix (`kmous`, `ESC [ <` for xterm): the rest of an SGR 1006 report
    /// follows as characters, because the painter decodes mouse reports itself instead of through ncurses.
    case mousePrefix
    case resize
}

/// Turns terminal input into keys and mouse events: control characters into named keys, escape sequences that
/// ncurses left undecoded (CSI and SS3 cursor keys), and SGR 1006 mouse reports
/// `ESC [ < button ; column ; row M` (press, motion) or `... m` (release), 1-based.
///
/// A lone ESC cannot be told from the start of a sequence until input pauses: the caller feeds every input and
/// calls `flush()` when a read times out.
public struct InputDecoder: Sendable {
    private enum State: Sendable, Equatable {
        case ground
        case escape
        case csi(String)
        case ss3
        case sgrMouse(String)
    }

    private var state: State = .ground
    /// Longer parameter strings are not a report from a terminal: dropped.
    private static let longestParameters = 32

    public init() {}

    /// Whether a sequence is incomplete (the caller should call `flush()` once input pauses).
    public var isWaiting: Bool { state != .ground }

    public mutating func feed(_ input: TerminalInput) -> [InputEvent] {
        var events: [InputEvent] = []
        process(input, into: &events)
        return events
    }

    public mutating func feed(_ inputs: [TerminalInput]) -> [InputEvent] {
        var events: [InputEvent] = []
        for input in inputs { process(input, into: &events) }
        return events
    }

    /// Input paused: a pending ESC is the Escape key; an unfinished sequence is dropped.
    public mutating func flush() -> [InputEvent] {
        defer { state = .ground }
        return state == .escape ? [.key(.escape)] : []
    }

    private mutating func process(_ input: TerminalInput, into events: inout [InputEvent]) {
        switch state {
        case .ground:
            ground(input, into: &events)
        case .escape:
            switch input {
            case .character("["): state = .csi("")
            case .character("O"): state = .ss3
            case .character("\u{1B}"): events.append(.key(.escape))
            default:
                // ESC then a key is alt-key: the painter takes it as Escape followed by the key.
                events.append(.key(.escape))
                state = .ground
                ground(input, into: &events)
            }
        case .ss3:
            state = .ground
            guard case .character(let final) = input else { return ground(input, into: &events) }
            if let key = Self.cursorKey(final: final, modifier: 1) { events.append(.key(key)) }
        case .csi(let parameters):
            guard case .character(let scalar) = input else {
                state = .ground
                return ground(input, into: &events)
            }
            if parameters.isEmpty && scalar == "<" {
                state = .sgrMouse("")
            } else if (0x20 ... 0x3F).contains(scalar.value) {
                state = parameters.count < Self.longestParameters ? .csi(parameters + String(scalar)) : .ground
            } else if (0x40 ... 0x7E).contains(scalar.value) {
                state = .ground
                if let key = Self.csiKey(parameters: parameters, final: scalar) { events.append(.key(key)) }
            } else {
                state = .ground
                ground(input, into: &events)
            }
        case .sgrMouse(let body):
            guard case .character(let scalar) = input else {
                state = .ground
                return ground(input, into: &events)
            }
            if scalar == "M" || scalar == "m" {
                state = .ground
                if let mouse = Self.sgrMouse(body: body, released: scalar == "m") { events.append(.mouse(mouse)) }
            } else if ("0" ... "9").contains(scalar) || scalar == ";" {
                state = body.count < Self.longestParameters ? .sgrMouse(body + String(scalar)) : .ground
            } else {
                state = .ground
                ground(input, into: &events)
            }
        }
    }

    private mutating func ground(_ input: TerminalInput, into events: inout [InputEvent]) {
        switch input {
        case .key(let key): events.append(.key(key))
        case .resize: events.append(.resize)
        case .mousePrefix: state = .sgrMouse("")
        case .character(let scalar):
            switch scalar {
            case "\u{1B}": state = .escape
            case "\r", "\n": events.append(.key(.enter))
            case "\t": events.append(.key(.tab))
            case "\u{7F}", "\u{08}": events.append(.key(.backspace))
            default: events.append(.key(.character(Character(scalar))))
            }
        }
    }

    /// `ESC [ ... final` keys: cursor keys (with an xterm modifier parameter `1;m`, 2 = shift), home/end,
    /// `n ~` editing keys, shift-tab.
    static func csiKey(parameters: String, final: Unicode.Scalar) -> Key? {
        let numbers = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        if final == "~" {
            switch numbers.first ?? nil {
            case 1, 7: return .home
            case 4, 8: return .end
            case 3: return .delete
            case 5: return .pageUp
            case 6: return .pageDown
            default: return nil
            }
        }
        if final == "Z" { return .backTab }
        let modifier = numbers.count >= 2 ? (numbers[1] ?? 1) : 1
        return cursorKey(final: final, modifier: modifier)
    }

    private static func cursorKey(final: Unicode.Scalar, modifier: Int) -> Key? {
        let shifted = modifier == 2
        switch final {
        case "A": return shifted ? .shiftUp : .up
        case "B": return shifted ? .shiftDown : .down
        case "C": return shifted ? .shiftRight : .right
        case "D": return shifted ? .shiftLeft : .left
        case "H": return .home
        case "F": return .end
        default: return nil
        }
    }

    /// Decodes the `button;column;row` of an SGR report. Button bits: 0-1 button (3 = none), 4 shift, 8 alt,
    /// 16 control, 32 motion, 64 wheel (64 up, 65 down); 128 and up are extra buttons the painter ignores.
    static func sgrMouse(body: String, released: Bool) -> MouseEvent? {
        let fields = body.split(separator: ";", omittingEmptySubsequences: false)
        guard fields.count == 3, let code = Int(fields[0]), let column = Int(fields[1]), let row = Int(fields[2]),
            code >= 0, code < 128, column >= 1, row >= 1
        else { return nil }
        let low = code & 3
        let button: MouseEvent.Button
        if code & 64 != 0 {
            // 66 and 67 are the horizontal wheel.
            guard low < 2 else { return nil }
            button = low == 0 ? .wheelUp : .wheelDown
        } else {
            button = [.left, .middle, .right, .none][low]
        }
        let action: MouseEvent.Action
        if released {
            action = .release
        } else if code & 32 != 0 {
            action = button == .none ? .move : .drag
        } else {
            action = .press
        }
        return MouseEvent(
            button: button, action: action, x: column - 1, y: row - 1,
            shift: code & 4 != 0, alt: code & 8 != 0, control: code & 16 != 0)
    }
}
