import Foundation

/// The class palette of a model: one colour and name per class, in class-index order, read from a GIMP
/// palette file (`.gpl`), which GIMP, Krita and Inkscape also read and write.
///
/// The format: a first line `GIMP Palette`, then optional `Name: ...` and `Columns: n` lines, `#` comments
/// and one entry per line, `R G B<whitespace>name` with decimal 0...255 channels. Line order is class order.
/// A comment `# key: x name` is a hint that the painter's key `x` selects the class called `name`.
public struct Palette: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var color: RGBColor
        public var name: String
        /// The key that selects this class in the painter, from a `# key:` hint.
        public var key: Character?

        public init(color: RGBColor, name: String, key: Character? = nil) {
            self.color = color
            self.name = name
            self.key = key
        }
    }

    public let name: String
    /// GIMP's preferred number of swatch columns; nil when the file does not say.
    public let columns: Int?
    /// One entry per class, index = class id.
    public let entries: [Entry]
    private let indexByColor: [RGBColor: Int]

    /// - Precondition: colours are distinct (a colour must identify one class).
    public init(name: String, entries: [Entry], columns: Int? = nil) {
        var indexByColor: [RGBColor: Int] = [:]
        for (index, entry) in entries.enumerated() {
            precondition(
                indexByColor.updateValue(index, forKey: entry.color) == nil, "palette colour \(entry.color) repeats")
        }
        self.name = name
        self.columns = columns
        self.entries = entries
        self.indexByColor = indexByColor
    }

    public var count: Int { entries.count }

    /// The class whose colour is exactly `color`.
    public func index(of color: RGBColor) -> Int? { indexByColor[color] }

    /// The class whose colour is closest to `color` (RGB distance; ties go to the lower index).
    /// - Precondition: the palette is not empty.
    public func nearest(to color: RGBColor) -> Int {
        precondition(!entries.isEmpty, "nearest colour in an empty palette")
        var best = 0
        for index in entries.indices.dropFirst()
        where color.squaredDistance(to: entries[index].color) < color.squaredDistance(to: entries[best].color) {
            best = index
        }
        return best
    }

    /// Reads a `.gpl` file.
    public init(contentsOf url: URL) throws {
        let path = url.relativePath
        try RegularFile.check(url, kind: "palette file")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ImageFileError(path: path, problem: "cannot read the palette file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ImageFileError(path: path, problem: "not a text file (a GIMP palette is UTF-8 text)")
        }
        try self.init(parsing: text, path: path)
    }

    /// Parses the text of a `.gpl` file; `path` names the file in error messages.
    public init(parsing text: String, path: String) throws {
        // "\r\n" is one Character in Swift, and a newline like "\n".
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        if let first = lines.first, first.hasPrefix("\u{FEFF}") {
            lines[0] = first.dropFirst()
        }
        guard let header = lines.first, header.trimmingCharacters(in: .whitespaces) == "GIMP Palette" else {
            throw ImageFileError(
                path: path, place: .line(1), problem: "not a GIMP palette: the first line must be 'GIMP Palette'")
        }
        var name = ""
        var columns: Int?
        var entries: [Entry] = []
        var lineOfEntry: [Int] = []
        var lineOfColor: [RGBColor: Int] = [:]
        var keyHints: [(key: Character, className: String, line: Int)] = []

        for (offset, rawLine) in lines.enumerated().dropFirst() {
            let lineNumber = offset + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            func fail(_ problem: String) -> ImageFileError {
                ImageFileError(path: path, place: .line(lineNumber), problem: problem)
            }
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let comment = line.dropFirst().trimmingCharacters(in: .whitespaces)
                guard comment.lowercased().hasPrefix("key:") else { continue }
                let hint = comment.dropFirst(4).trimmingCharacters(in: .whitespaces)
                guard let key = hint.first, !key.isWhitespace else {
                    throw fail("a key hint reads '# key: x class name'; the key is missing")
                }
                let className = hint.dropFirst().trimmingCharacters(in: .whitespaces)
                guard hint.dropFirst().first?.isWhitespace == true, !className.isEmpty else {
                    throw fail("a key hint reads '# key: x class name' with a one-character key; got '\(hint)'")
                }
                keyHints.append((key, className, lineNumber))
                continue
            }
            if line.hasPrefix("Name:") {
                name = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
                continue
            }
            if line.hasPrefix("Columns:") {
                let value = line.dropFirst(8).trimmingCharacters(in: .whitespaces)
                guard let count = Int(value), count >= 0 else {
                    throw fail("'Columns:' needs a whole number, got '\(value)'")
                }
                columns = count
                continue
            }
            let (color, entryName) = try Self.parseEntry(line, fail: fail)
            if let earlier = lineOfColor[color] {
                throw fail("colour \(color) repeats the entry on line \(earlier); every class needs its own colour")
            }
            lineOfColor[color] = lineNumber
            entries.append(Entry(color: color, name: entryName))
            lineOfEntry.append(lineNumber)
        }
        guard !entries.isEmpty else {
            throw ImageFileError(path: path, problem: "the palette has no colours")
        }
        var lineOfKey: [Character: Int] = [:]
        for hint in keyHints {
            let matches = entries.indices.filter { entries[$0].name == hint.className }
            let place = ImageFileError.Place.line(hint.line)
            guard let index = matches.first else {
                throw ImageFileError(
                    path: path, place: place, problem: "key hint for '\(hint.className)', but no entry has that name")
            }
            guard matches.count == 1 else {
                let lines = matches.map { String(lineOfEntry[$0]) }.joined(separator: ", ")
                throw ImageFileError(
                    path: path, place: place,
                    problem: "key hint for '\(hint.className)', a name shared by the entries on lines \(lines)")
            }
            if let earlier = lineOfKey.updateValue(hint.line, forKey: hint.key) {
                throw ImageFileError(
                    path: path, place: place,
                    problem: "key '\(hint.key)' is already given to another class on line \(earlier)")
            }
            if let existing = entries[index].key {
                throw ImageFileError(
                    path: path, place: place, problem: "'\(hint.className)' already has key '\(existing)'")
            }
            entries[index].key = hint.key
        }
        self.init(name: name, entries: entries, columns: columns)
    }

    /// Parses `R G B name`: three decimal channels 0...255, then the rest of the line as the name.
    private static func parseEntry(_ line: String, fail: (String) -> ImageFileError) throws -> (RGBColor, String) {
        var rest = Substring(line)
        var channels: [UInt8] = []
        for channel in ["red", "green", "blue"] {
            rest = rest.drop(while: \.isWhitespace)
            let token = rest.prefix(while: { !$0.isWhitespace })
            rest = rest.dropFirst(token.count)
            guard !token.isEmpty else {
                throw fail(
                    "expected 'R G B name' (three numbers 0 to 255, then a name); the \(channel) value is missing")
            }
            guard let value = Int(token) else {
                throw fail("expected 'R G B name'; the \(channel) value '\(token)' is not a whole number")
            }
            guard (0 ... 255).contains(value) else {
                throw fail("the \(channel) value \(value) is outside 0 to 255")
            }
            channels.append(UInt8(value))
        }
        if let next = rest.first, !next.isWhitespace {
            throw fail("expected whitespace between the colour and the name")
        }
        let name = rest.trimmingCharacters(in: .whitespaces)
        return (RGBColor(channels[0], channels[1], channels[2]), name)
    }
}
