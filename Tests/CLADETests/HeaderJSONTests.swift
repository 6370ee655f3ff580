import Testing

@testable import CLADE

@Suite("HeaderJSON")
struct HeaderJSONTests {
    func parse(_ text: String) throws(HeaderJSON.ParseError) -> HeaderJSON { try HeaderJSON.parse(Array(text.utf8)) }

    @Test("objects keep member order; numbers keep their text")
    func values() throws {
        let value = try parse(#" {"b": [1, -2.5e3, 18446744073709551615], "a": {"t": true, "f": false, "n": null}} "#)
        #expect(
            value
                == .object([
                    ("b", .array([.number("1"), .number("-2.5e3"), .number("18446744073709551615")])),
                    ("a", .object([("t", .bool(true)), ("f", .bool(false)), ("n", .null)])),
                ]))
        #expect(HeaderJSON.number("12").nonNegativeInt == 12)
        #expect(HeaderJSON.number("-1").nonNegativeInt == nil && HeaderJSON.number("1.5").nonNegativeInt == nil)
        #expect(HeaderJSON.number("18446744073709551615").nonNegativeInt == nil)
    }

    @Test("errors give the byte offset")
    func errors() {
        let cases: [(String, String, Int)] = [
            (#"{"a":1,"a":2}"#, "duplicate key 'a'", 7),
            (#"{"a":}"#, "unexpected character '}'", 5),
            (#"{"a":1"#, "expected '}'", 6),
            (#"["x]"#, "unterminated string", 4),
            (#"[tru]"#, "expected 'true'", 4),
            (#"[01x]"#, "expected ']'", 3),
            ("[\"\u{01}\"]", "control character in a string", 3),
            (#"["\ud800x"]"#, "expected '\\u'", 8),
            (String(repeating: "[", count: 100), "nesting deeper than 64 levels", 64),
        ]
        for (text, message, offset) in cases {
            #expect(throws: HeaderJSON.ParseError(message: message, offset: offset), "\(text)") { try parse(text) }
        }
    }
}
