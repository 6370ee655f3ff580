/// Text from files (class names, training notes, tensor and file names) made safe to print: control characters
/// would reach the terminal raw and could move the cursor, retitle the window or hide text, so they are shown as
/// Swift-style escapes (`\u{1B}`) instead.
enum TerminalText {
    /// `text` with every control character escaped; `keepingNewlines` leaves line breaks of multi-line output.
    static func escaped(_ text: String, keepingNewlines: Bool = false) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if keepingNewlines && scalar == "\n" || !isControl(scalar) {
                result.unicodeScalars.append(scalar)
            } else {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return result
    }

    /// C0 and C1 controls, DEL, the line and paragraph separators, and the bidirectional overrides and isolates,
    /// which reorder what follows them on the line.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00 ... 0x1F, 0x7F ... 0x9F, 0x2028, 0x2029, 0x202A ... 0x202E, 0x2066 ... 0x2069: true
        default: false
        }
    }
}
