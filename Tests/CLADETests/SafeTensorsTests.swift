import Foundation
import Testing

@testable import CLADE

@Suite("SafeTensors")
struct SafeTensorsTests {
    static let fixture = "clade_instance"

    func fixtureBytes() throws -> SafeTensorsBytes {
        try SafeTensorsBytes(contentsOf: Fixtures.modelURL(Self.fixture))
    }

    @Test("reads a fixture: entries, metadata, values")
    func readsFixture() throws {
        let file = try SafeTensorsFile(contentsOf: Fixtures.modelURL(Self.fixture))
        #expect(file.fileName == "\(Self.fixture).model.safetensors")
        #expect(file.metadata[ModelFile.configKey] != nil)
        let entry = try #require(file.entry("conv_img.weight"))
        #expect(entry.dtype == .f32 && entry.shape == [3, 4, 3, 3])
        let tensor = try file.floatTensor("conv_img.weight")
        #expect(tensor.shape == [3, 4, 3, 3] && tensor.maxAbs > 0)
    }

    @Test("F16 widens exactly: zeros, subnormals, normals, infinities, NaN")
    func halfConversion() {
        let cases: [(UInt16, Float)] = [
            (0x0000, 0), (0x0001, 0x1p-24), (0x03FF, 1023 * 0x1p-24), (0x0400, 0x1p-14), (0x3C00, 1),
            (0xC000, -2), (0x3555, 0.333251953125), (0x7BFF, 65504), (0x8001, -0x1p-24),
            (0x7C00, .infinity), (0xFC00, -.infinity),
        ]
        for (bits, value) in cases {
            #expect(SafeTensorsFile.float(halfBits: bits) == value, "0x\(String(bits, radix: 16))")
        }
        #expect(SafeTensorsFile.float(halfBits: 0x8000).sign == .minus)
        #expect(SafeTensorsFile.float(halfBits: 0x7E00).isNaN && SafeTensorsFile.float(halfBits: 0xFE01).isNaN)
        #if arch(x86_64) || arch(arm64)
            for bits in UInt16.min ... UInt16.max {
                let converted = SafeTensorsFile.float(halfBits: bits)
                let native = Float(Float16(bitPattern: bits))
                #expect(converted.bitPattern == native.bitPattern || (converted.isNaN && native.isNaN))
            }
        #endif
    }

    @Test("F16, BF16 and integer tensors")
    func dtypes() throws {
        let half: [UInt16] = [0x3C00, 0x0001, 0xFC00]
        let brain: [UInt16] = [0x3F80, 0xC040, 0x7F80]
        func bytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
            values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
        }
        let file = try SafeTensorsBytes(tensors: [
            ("half", "F16", [3], bytes(half)), ("brain", "BF16", [3], bytes(brain)),
            ("i32", "I32", [2], bytes([Int32(-5), 7])), ("i64", "I64", [1, 2], bytes([Int64(1) << 40, -1])),
            ("u8", "U8", [3], [0, 200, 255]), ("empty", "F32", [0, 4], []),
        ]).parse()
        #expect(try file.floatTensor("half").data == [1, 0x1p-24, -.infinity])
        #expect(try file.floatTensor("brain").data == [1, -3, .infinity])
        #expect(try file.integerTensor("i32").values == [-5, 7])
        #expect(try file.integerTensor("i64") == ([1, 2], [1 << 40, -1]))
        #expect(try file.integerTensor("u8").values == [0, 200, 255])
        #expect(try file.floatTensor("empty").shape == [0, 4])
        #expect(
            safeTensorsProblem { _ = try file.floatTensor("i32") }?.contains(
                "'i32' has dtype I32, expected F32, F16 or BF16") == true)
        #expect(safeTensorsProblem { _ = try file.integerTensor("half") }?.contains("'half' has dtype F16") == true)
        #expect(
            safeTensorsProblem { _ = try file.floatTensor("nothing") }?.contains("no tensor named 'nothing'") == true)
    }

    @Test("a missing file is named")
    func missingFile() {
        let message = safeTensorsProblem {
            _ = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: "/nonexistent/none.safetensors"))
        }
        #expect(message?.hasPrefix("none.safetensors: cannot read the file") == true)
    }

    @Test("a file too short for the header length")
    func tooShort() {
        let message = safeTensorsProblem { _ = try SafeTensorsFile(bytes: Data([1, 0, 0]), fileName: "m.safetensors") }
        #expect(message == "m.safetensors: the file is 3 bytes long, too short for the 8-byte header length")
    }

    @Test("a file truncated inside the header")
    func truncatedHeader() throws {
        let bytes = try fixtureBytes().bytes
        let message = safeTensorsProblem {
            _ = try SafeTensorsFile(bytes: bytes.prefix(500), fileName: "m.safetensors")
        }
        #expect(
            message?.contains("m.safetensors: header length") == true
                && message?.contains("runs past the end of the file (500 bytes)") == true)
    }

    @Test("a file truncated inside the data names the tensor that ends beyond it")
    func truncatedData() throws {
        var file = try fixtureBytes()
        let lastEntry = try #require(
            SafeTensorsFile(bytes: file.bytes, fileName: "x").entries.max {
                $0.byteRange.upperBound < $1.byteRange.upperBound
            })
        file.data.removeLast(10)
        let message = safeTensorsProblem { _ = try file.parse(fileName: "m.safetensors") }
        #expect(
            message
                == "m.safetensors: tensor '\(lastEntry.name)' ends at byte \(lastEntry.byteRange.upperBound) beyond the data (\(file.data.count) bytes)"
        )
    }

    @Test("a header length over 100 MB")
    func hugeHeader() throws {
        var bytes = try fixtureBytes().bytes
        bytes.replaceSubrange(0 ..< 8, with: withUnsafeBytes(of: UInt64(200_000_000).littleEndian) { Array($0) })
        let message = safeTensorsProblem { _ = try SafeTensorsFile(bytes: bytes, fileName: "m.safetensors") }
        #expect(message?.contains("header length 200000000 exceeds the format's limit") == true)
    }

    @Test("a corrupt header is not JSON")
    func corruptHeader() throws {
        var file = try fixtureBytes()
        file.replaceInHeader("\"conv_img.bias\":{", with: "\"conv_img.bias\"#{")
        let message = safeTensorsProblem { _ = try file.parse() }
        #expect(message?.contains("the header is not valid JSON: expected ':' at byte") == true)
        file.header = "[1, 2]"
        file.data = []
        #expect(safeTensorsProblem { _ = try file.parse() }?.contains("the header is not a JSON object") == true)
    }

    @Test("offsets beyond the data")
    func offsetsBeyondData() throws {
        var file = try fixtureBytes()
        let entry = try #require(file.entryText("conv_img.bias"))
        let size = file.data.count
        file.replaceInHeader(
            entry,
            with: "\"conv_img.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[\(size + 4),\(size + 16)]}")
        #expect(
            safeTensorsProblem { _ = try file.parse() }
                == "test.safetensors: tensor 'conv_img.bias' ends at byte \(size + 16) beyond the data (\(size) bytes)")
    }

    @Test("overlapping tensors name both")
    func overlapping() throws {
        var file = try fixtureBytes()
        // conv_img.bias takes the bytes of another [3]-float region: the start of up_3.conv_1.bias.
        let original = try file.parse()
        let target = try #require(original.entry("up_3.conv_1.bias"))
        let entry = try #require(file.entryText("conv_img.bias"))
        let begin = target.byteRange.lowerBound
        file.replaceInHeader(
            entry, with: "\"conv_img.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[\(begin),\(begin + 12)]}"
        )
        let message = try #require(safeTensorsProblem { _ = try file.parse() })
        #expect(
            message.contains("overlaps") && message.contains("'conv_img.bias'")
                && message.contains("'up_3.conv_1.bias'"))
    }

    @Test("holes and trailing bytes")
    func holes() throws {
        var file = try fixtureBytes()
        file.data += [0, 0, 0, 0]
        let size = file.data.count
        #expect(
            safeTensorsProblem { _ = try file.parse() }
                == "test.safetensors: bytes \(size - 4)..<\(size) of the data belong to no tensor (trailing bytes or a hole)"
        )

        let hole = SafeTensorsBytes(
            header:
                #"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}}"#,
            data: [1, 2, 3, 4, 5, 6])
        #expect(
            safeTensorsProblem { _ = try hole.parse() }
                == "test.safetensors: bytes 2..<4 of the data belong to no tensor (a hole before 'b')")
    }

    @Test("size must be element count times dtype size")
    func sizeMismatch() throws {
        var file = try fixtureBytes()
        file.replaceInHeader(
            "\"conv_img.bias\":{\"dtype\":\"F32\",\"shape\":[3]",
            with: "\"conv_img.bias\":{\"dtype\":\"F32\",\"shape\":[4]")
        let message = safeTensorsProblem { _ = try file.parse() }
        #expect(
            message?.contains("tensor 'conv_img.bias': shape [4] of F32 needs 16 bytes but data_offsets") == true
                && message?.contains("hold 12") == true)
    }

    @Test("duplicate tensor names")
    func duplicates() {
        let file = SafeTensorsBytes(
            header:
                #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#,
            data: [1, 2])
        #expect(safeTensorsProblem { _ = try file.parse() }?.contains("duplicate key 'a'") == true)
    }

    @Test("malformed entries name the tensor")
    func malformedEntries() {
        let cases: [(String, String)] = [
            (#"{"a":{"dtype":"Q7","shape":[1],"data_offsets":[0,1]}}"#, "tensor 'a': unknown dtype 'Q7'"),
            (
                #"{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}"#,
                "tensor 'a': shape [-1] has an entry that is not a non-negative integer"
            ),
            (
                #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,0]}}"#,
                "tensor 'a': data_offsets [1, 0] run backwards"
            ),
            (#"{"a":{"dtype":"U8","shape":[1]}}"#, "tensor 'a': no \"data_offsets\" in its header entry"),
            (
                #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0]}}"#,
                "tensor 'a': data_offsets is not a pair of non-negative integers"
            ),
            (#"{"a":[]}"#, "tensor 'a': header entry is not an object"),
            (
                #"{"__metadata__":{"k":1},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#,
                "__metadata__ entry 'k' is not a string"
            ),
            (
                #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}} x"#,
                "the header is not valid JSON: unexpected text after the JSON value"
            ),
        ]
        for (header, problem) in cases {
            let message = safeTensorsProblem { _ = try SafeTensorsBytes(header: header, data: [9]).parse() }
            #expect(message?.contains(problem) == true, "\(header) -> \(message ?? "nil")")
        }
    }

    @Test("JSON escapes and padding in the header")
    func headerEscapes() throws {
        let header =
            #"{"__metadata__":{"note":"tab\there \u00e9 \ud83d\ude00 \"q\""},"w\u0061":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}   "#
        let file = try SafeTensorsBytes(header: header, data: [3]).parse()
        #expect(file.metadata["note"] == "tab\there é 😀 \"q\"")
        #expect(file.names == ["wa"])
    }
}
