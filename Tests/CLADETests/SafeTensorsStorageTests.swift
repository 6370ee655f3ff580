import Foundation
import Testing

@testable import CLADE

@Suite("SafeTensorsStorage")
struct SafeTensorsStorageTests {
    /// A scratch file holding `bytes`, removed by the caller.
    func scratchFile(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("storage-\(UUID().uuidString).bin")
        try Data(bytes).write(to: url)
        return url
    }

    @Test("a file read on demand gives the same bytes as the same bytes in memory")
    func fileMatchesMemory() throws {
        let bytes = (0 ..< 5000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let url = try scratchFile(bytes)
        defer { try? FileManager.default.removeItem(at: url) }
        let file = SafeTensorsStorage.file(try SafeTensorsStorage.OpenFile(path: url.path))
        let memory = SafeTensorsStorage.memory(Data(bytes))
        #expect(file.count == 5000 && memory.count == 5000)
        for range in [0 ..< 8, 13 ..< 4099, 4999 ..< 5000, 70 ..< 70] {
            let fromFile = try file.withBytes(range) { [UInt8]($0) }
            let fromMemory = try memory.withBytes(range) { [UInt8]($0) }
            #expect(fromFile == Array(bytes[range]) && fromMemory == fromFile)
        }
    }

    @Test("reading past the end of the file says where it ended")
    func pastTheEnd() throws {
        let url = try scratchFile([1, 2, 3])
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try SafeTensorsStorage.OpenFile(path: url.path)
        #expect(throws: SafeTensorsStorage.OpenFileError.self) { _ = try file.read(1 ..< 10) }
        do {
            _ = try file.read(1 ..< 10)
        } catch {
            #expect(error.reason == "the file ended at byte 3")
        }
    }

    @Test("folders and missing files are refused when opened")
    func refusesNonFiles() {
        #expect(throws: SafeTensorsStorage.OpenFileError.self) {
            _ = try SafeTensorsStorage.OpenFile(path: "/nonexistent/x.safetensors")
        }
        #expect(throws: SafeTensorsStorage.OpenFileError.self) {
            _ = try SafeTensorsStorage.OpenFile(path: NSTemporaryDirectory())
        }
    }
}
