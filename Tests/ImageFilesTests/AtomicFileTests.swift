import Foundation
import Testing

@testable import ImageFiles

@Suite struct AtomicFileTests {
    struct Failure: Error {}

    @Test func replacesTheDestinationOnlyWhenTheBodySucceeds() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("out.txt")
            try AtomicFile.write(to: url) { try "first".write(toFile: $0, atomically: false, encoding: .utf8) }
            #expect(try String(contentsOf: url, encoding: .utf8) == "first")

            #expect(throws: Failure.self) {
                try AtomicFile.write(to: url) { temporary in
                    try "half".write(toFile: temporary, atomically: false, encoding: .utf8)
                    throw Failure()
                }
            }
            #expect(try String(contentsOf: url, encoding: .utf8) == "first")
            let contents = try folderContents(folder)
            #expect(contents == ["out.txt"])
        }
    }

    @Test func writesDataWholeAndReplacesOnlyWhenAsked() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("record.json")
            try AtomicFile.write(Data("first".utf8), to: url, replacing: false)
            #expect(try String(contentsOf: url, encoding: .utf8) == "first")
            #expect(
                errorText { try AtomicFile.write(Data("second".utf8), to: url, replacing: false) }
                    == "\(url.path): cannot write: a file of that name exists")
            try AtomicFile.write(Data(), to: url)
            #expect(try Data(contentsOf: url).isEmpty)
            #expect(try folderContents(folder) == ["record.json"])
        }
    }

    @Test func removesTheTemporaryFileWhenTheRenameFails() throws {
        try withTemporaryFolder { folder throws in
            let url = folder.appendingPathComponent("taken")
            let message = errorText {
                try AtomicFile.write(to: url) { temporary in
                    try "data".write(toFile: temporary, atomically: false, encoding: .utf8)
                    // Someone else puts a non-empty folder there while we write.
                    try FileManager.default.createDirectory(
                        at: url.appendingPathComponent("inner"), withIntermediateDirectories: true)
                }
            }
            #expect(message?.hasPrefix("\(url.path): cannot write: ") == true, "\(message ?? "")")
            let contents = try folderContents(folder)
            #expect(contents == ["taken"])
        }
    }

    @Test func explainsMissingAndWrongFolders() throws {
        try withTemporaryFolder { folder throws in
            let inMissing = folder.appendingPathComponent("nowhere/out.png")
            #expect(
                errorText { try AtomicFile.write(to: inMissing) { _ in } }
                    == "\(inMissing.path): cannot write: the folder \(folder.path)/nowhere does not exist")

            let file = folder.appendingPathComponent("plain")
            try "x".write(to: file, atomically: false, encoding: .utf8)
            let underFile = file.appendingPathComponent("out.png")
            #expect(
                errorText { try AtomicFile.write(to: underFile) { _ in } }
                    == "\(underFile.path): cannot write: \(file.path) is not a folder")

            #expect(
                errorText { try AtomicFile.write(to: folder) { _ in } }
                    == "\(folder.path): cannot write: a folder of that name exists")
        }
    }
}
