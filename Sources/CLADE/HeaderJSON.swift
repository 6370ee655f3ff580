/// A JSON value as found in a safetensors header.
///
/// Foundation's JSON parser silently keeps the last of two equal keys; a safetensors reader must reject
/// duplicate tensor names, so the header is parsed by this small strict parser, which keeps object members
/// in file order and reports duplicates.
enum HeaderJSON: Equatable {
    case object([(key: String, value: HeaderJSON)])
    case array([HeaderJSON])
    case string(String)
    /// A number kept as its literal text, so integer offsets beyond 2^53 are not rounded.
    case number(String)
    case bool(Bool)
    case null

    static func == (a: HeaderJSON, b: HeaderJSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let x), .array(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.null, .null): true
        default: false
        }
    }

    /// The value as a non-negative integer, if it is an integer literal that fits an `Int`.
    var nonNegativeInt: Int? {
        guard case .number(let text) = self, let value = Int(text), value >= 0 else { return nil }
        return value
    }

    /// Parses `bytes` as one JSON value surrounded by optional whitespace.
    /// Throws a `HeaderJSON.ParseError` naming the byte offset of the problem.
    static func parse(_ bytes: [UInt8]) throws(ParseError) -> HeaderJSON {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    struct ParseError: Error, Equatable {
        let message: String
        let offset: Int
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0
        /// Headers are flat (object -> object -> array); a bound on nesting keeps hostile input from exhausting the stack.
        static let maximumDepth = 64

        func error(_ message: String) -> ParseError { ParseError(message: message, offset: position) }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
        }

        mutating func expect(_ literal: String) throws(ParseError) {
            for byte in literal.utf8 {
                guard current == byte else { throw error("expected '\(literal)'") }
                position += 1
            }
        }

        mutating func value(depth: Int) throws(ParseError) -> HeaderJSON {
            guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
            guard let byte = current else { throw error("unexpected end of the header") }
            switch byte {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"):
                try expect("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expect("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expect("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"): return .number(try number())
            default: throw error("unexpected character '\(Character(Unicode.Scalar(byte)))'")
            }
        }

        mutating func object(depth: Int) throws(ParseError) -> HeaderJSON {
            position += 1
            var members: [(key: String, value: HeaderJSON)] = []
            var seen = Set<String>()
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let keyOffset = position
                let key = try string()
                guard seen.insert(key).inserted else {
                    throw ParseError(message: "duplicate key '\(key)'", offset: keyOffset)
                }
                skipWhitespace()
                try expect(":")
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect("}")
                return .object(members)
            }
        }

        mutating func array(depth: Int) throws(ParseError) -> HeaderJSON {
            position += 1
            var elements: [HeaderJSON] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect("]")
                return .array(elements)
            }
        }

        mutating func number() throws(ParseError) -> String {
            let start = position
            if current == UInt8(ascii: "-") { position += 1 }
            let digits: (inout Parser) -> Int = { parser in
                let from = parser.position
                while let b = parser.current, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") { parser.position += 1 }
                return parser.position - from
            }
            guard digits(&self) > 0 else { throw error("expected digits") }
            if current == UInt8(ascii: ".") {
                position += 1
                guard digits(&self) > 0 else { throw error("expected digits after '.'") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard digits(&self) > 0 else { throw error("expected digits in the exponent") }
            }
            return String(decoding: bytes[start ..< position], as: UTF8.self)
        }

        mutating func hexQuad() throws(ParseError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0 ..< 4 {
                guard let byte = current, let digit = Character(Unicode.Scalar(byte)).hexDigitValue else {
                    throw error("expected four hex digits after \\u")
                }
                value = value << 4 | UInt32(digit)
                position += 1
            }
            return value
        }

        mutating func string() throws(ParseError) -> String {
            position += 1
            var utf8: [UInt8] = []
            while true {
                guard let byte = current else { throw error("unterminated string") }
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    guard let text = String(validating: utf8, as: UTF8.self) else {
                        throw error("string is not valid UTF-8")
                    }
                    return text
                case UInt8(ascii: "\\"):
                    guard let escaped = current else { throw error("unterminated escape") }
                    position += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hexQuad()
                        if (0xD800 ..< 0xDC00).contains(scalar) {
                            try expect("\\u")
                            let low = try hexQuad()
                            guard (0xDC00 ..< 0xE000).contains(low) else {
                                throw error("unpaired surrogate in \\u escape")
                            }
                            scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                        utf8.append(contentsOf: Array(String(Character(unicode)).utf8))
                    default: throw error("invalid escape '\\\(Character(Unicode.Scalar(escaped)))'")
                    }
                case 0x00 ..< 0x20: throw error("control character in a string")
                default: utf8.append(byte)
                }
            }
        }
    }
}
