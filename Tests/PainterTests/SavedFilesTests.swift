import Dispatch
import Foundation
import ImageFiles
import Synchronization
import Testing

@testable import Painter

@Suite struct SavedFilesTests {
    @Test func namesCountUpAndNeverReuseANumber() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let first = try SavedFiles.next(in: folder, name: "painting")
        #expect(
            first.all.map(\.lastPathComponent) == [
                "painting-001.png", "painting-001.mask.png", "painting-001.instances.png", "painting-001.json",
            ])
        for name in [
            "painting-007.json", "painting-003.mask.png", "painting-x.png", "paintings-050.png", "other-090.png",
        ] {
            try Data().write(to: folder.appendingPathComponent(name))
        }
        #expect(try SavedFiles.next(in: folder, name: "painting").image.lastPathComponent == "painting-008.png")
        #expect(try SavedFiles.next(in: folder, name: "other").session.lastPathComponent == "other-091.json")
        #expect(SavedFiles(folder: folder, name: "p", number: 1234).image.lastPathComponent == "p-1234.png")
    }

    @Test func hugeNumbersInFileNamesAreNotSaves() throws {
        let folder = try PainterFixtures.temporaryFolder()
        for name in [
            "painting-9223372036854775807.png", "painting-99999999999999999999999.json", "painting-1000000000.mask.png",
            "painting-004.png",
        ] {
            try Data().write(to: folder.appendingPathComponent(name))
        }
        #expect(try SavedFiles.next(in: folder, name: "painting").image.lastPathComponent == "painting-005.png")
        try Data().write(to: folder.appendingPathComponent("painting-\(SavedFiles.largestNumber).png"))
        let error = try #require(throws: PainterError.self) { try SavedFiles.next(in: folder, name: "painting") }
        #expect(error.problem.contains("painting-999999999 is taken, the largest number a save takes"))
    }

    @Test func aClaimHoldsTheNumberUntilTheSetIsWritten() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let first = try SaveClaim.make(in: folder, name: "painting")
        let second = try SaveClaim.make(in: folder, name: "painting")
        #expect(
            first.files.claim.lastPathComponent == "painting-001.saving"
                && second.files.image.lastPathComponent == "painting-002.png")
        #expect(try String(contentsOf: first.files.claim, encoding: .utf8) == SaveClaim.note)
        try first.write(first.files.all.map { url in (url, { try Data("x".utf8).write(to: url) }) })
        #expect(!FileManager.default.fileExists(atPath: first.files.claim.path))
        // The unfinished second set still holds its number.
        #expect(try SavedFiles.next(in: folder, name: "painting").image.lastPathComponent == "painting-003.png")
    }

    @Test func aFailedSaveRemovesWhatItWroteAndNamesTheFile() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let claim = try SaveClaim.make(in: folder, name: "painting")
        let files = claim.files
        let error = try #require(throws: PainterError.self) {
            try claim.write([
                (files.image, { try Data("picture".utf8).write(to: files.image) }),
                (
                    files.mask,
                    { throw ImageFileError(path: files.mask.path, problem: "write error: No space left on device") }
                ),
                (files.session, { try Data("{}".utf8).write(to: files.session) }),
            ])
        }
        #expect(
            error.localizedDescription
                == "\(files.mask.path): write error: No space left on device; nothing of this save was kept")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)

        // A Foundation write error reads as the system's reason, not "error 1" or Foundation's sentence.
        let json = try SaveClaim.make(in: folder, name: "painting")
        let missing = folder.appendingPathComponent("gone/x.json")
        let foundation = try #require(throws: PainterError.self) {
            try json.write([(json.files.session, { try Data("{}".utf8).write(to: missing, options: .atomic) })])
        }
        #expect(
            foundation.file == json.files.session.path
                && foundation.problem == "No such file or directory; nothing of this save was kept")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func imageFileErrorsReadTheSameEverywhere() {
        let error: Error = ImageFileError(path: "out/p.png", problem: "cannot write: Read-only file system")
        #expect(error.localizedDescription == "out/p.png: cannot write: Read-only file system")
    }

    @Test func aFolderThatCannotBeSavedIntoIsNamedAhead() throws {
        let folder = try PainterFixtures.temporaryFolder()
        #expect(SaveClaim.problem(in: folder) == nil)
        #expect(
            SaveClaim.problem(in: folder.appendingPathComponent("nope"))
                == "\(folder.appendingPathComponent("nope").relativePath): no such folder")
        let file = folder.appendingPathComponent("file")
        try Data().write(to: file)
        #expect(SaveClaim.problem(in: file) == "\(file.relativePath) is not a folder")
    }

    @Test func refusesMissingFoldersAndPathNames() throws {
        let folder = try PainterFixtures.temporaryFolder()
        #expect(throws: PainterError.self) { try SavedFiles.next(in: folder.appendingPathComponent("nope"), name: "p") }
        #expect(throws: PainterError.self) { try SavedFiles.next(in: folder, name: "a/b") }
    }

    @Test func savingWritesTheFourFilesAndKeepsEarlierSaves() throws {
        let model = try PainterFixtures.model()
        let state = PainterState(model: model, grid: (16, 16), seedSource: PainterFixtures.countingSeeds())
        state.selectClass(4)
        state.newObject()
        state.press()
        state.release()
        let folder = try PainterFixtures.temporaryFolder()
        let first = try PaintDocument(state).save(to: folder)
        let firstImage = try Data(contentsOf: first.image)
        state.randomStyle()
        #expect(state.isDirty)
        let second = try PaintDocument(state).save(to: folder)
        #expect(!state.isDirty)
        #expect(second.image.lastPathComponent == "painting-002.png")
        #expect(try Data(contentsOf: first.image) == firstImage && Data(contentsOf: second.image) != firstImage)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 8)

        // The picture: RGB at full size.
        let image = try PNGImage.read(second.image)
        #expect(image.width == 64 && image.height == 64)
        // The mask: an indexed PNG (colour type 3) whose palette holds the class colours, at grid size.
        let mask = try Data(contentsOf: second.mask)
        #expect(mask[25] == 3)
        let plte = try #require(mask.range(of: Data("PLTE".utf8)))
        #expect(Array(mask[plte.upperBound ..< plte.upperBound + 6]) == [118, 190, 250, 236, 236, 236])
        #expect(try LabelMapFile.read(second.mask, palette: model.palette, classCount: 6) == state.canvas.labels)
        // The instances: 16-bit greyscale (bit depth 16, colour type 0).
        let instances = try Data(contentsOf: second.instances)
        #expect(instances[24] == 16 && instances[25] == 0)
        #expect(try InstanceMapFile.read(second.instances) == state.canvas.instances)
        #expect(state.canvas.instances.ids.contains(1))
    }

    @Test func twoPaintersSavingIntoOneFolderNeverShareANumber() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { painter in
            do {
                let state = PainterState(
                    model: try PainterFixtures.model(), grid: (8, 8),
                    seedSource: PainterFixtures.countingSeeds(from: UInt64(painter * 1000)))
                for _ in 0 ..< 12 {
                    state.randomStyle()
                    try PaintDocument(state).save(to: folder)
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names.filter { $0.hasSuffix(".json") }.count == 24 && names.count == 96)
        // Each set is one painting: its session record draws its own picture.
        let model = try PainterFixtures.model()
        for json in names where json.hasSuffix(".json") {
            let url = folder.appendingPathComponent(json)
            let request = try SessionRecord.read(url).renderRequest(
                recordURL: url, palette: model.palette, config: model.config)
            #expect(
                try model.render(request) == PNGImage.read(url.deletingPathExtension().appendingPathExtension("png")),
                "\(json)")
        }
    }
}
