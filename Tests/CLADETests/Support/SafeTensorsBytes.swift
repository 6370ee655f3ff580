import Foundation
import Testing

@testable import CLADE

/// A safetensors file as its header text and data bytes, for making broken files in tests: read a fixture,
/// edit its header or data, write the bytes back out.
struct SafeTensorsBytes {
    var header: String
    var data: [UInt8]

    init(header: String, data: [UInt8]) {
        self.header = header
        self.data = data
    }

    init(contentsOf url: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        let length = Int(bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        header = String(decoding: bytes[8 ..< 8 + length], as: UTF8.self)
        data = Array(bytes[(8 + length)...])
    }

    /// A file holding `tensors` in order, each `(name, dtype, shape, raw little-endian bytes)`.
    init(tensors: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])], metadata: [String: String] = [:]) {
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\(Self.quoted($0.value))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var data: [UInt8] = []
        for tensor in tensors {
            let begin = data.count
            data += tensor.bytes
            entries.append(
                "\"\(tensor.name)\":{\"dtype\":\"\(tensor.dtype)\",\"shape\":\(tensor.shape),\"data_offsets\":[\(begin),\(data.count)]}"
            )
        }
        self.init(header: "{" + entries.joined(separator: ",") + "}", data: data)
    }

    static func quoted(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }

    static func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    /// The whole file: 8-byte length, header, data.
    var bytes: Data {
        let headerBytes = Array(header.utf8)
        let length = withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { Array($0) }
        return Data(length + headerBytes + data)
    }

    /// Replaces the one occurrence of `old` in the header (recorded as a test issue if it is not there exactly once).
    mutating func replaceInHeader(_ old: String, with new: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            header.components(separatedBy: old).count == 2, "'\(old)' should occur once in the header",
            sourceLocation: sourceLocation)
        header = header.replacingOccurrences(of: old, with: new)
    }

    /// The header entry text `"name":{...}` of tensor `name`.
    func entryText(_ name: String) -> String? {
        guard let start = header.range(of: "\"\(name)\":{") else { return nil }
        let end = header[start.upperBound...].firstIndex(of: "}")!
        return String(header[start.lowerBound ... end])
    }

    func parse(fileName: String = "test.safetensors") throws -> SafeTensorsFile {
        try SafeTensorsFile(bytes: bytes, fileName: fileName)
    }
}

/// The message of the `SafeTensorsError` that `body` throws (nil and a test issue when it throws none or another error).
func safeTensorsProblem(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> String? {
    do {
        try body()
        Issue.record("expected a SafeTensorsError", sourceLocation: sourceLocation)
    } catch let error as SafeTensorsError {
        return error.description
    } catch {
        Issue.record("expected a SafeTensorsError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
