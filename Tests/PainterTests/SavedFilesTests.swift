import Foundation
import ImageFiles
import Testing
@testable import Painter

@Suite struct SavedFilesTests {
    @Test func namesCountUpAndNeverReuseANumber() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let first = try SavedFiles.next(in: folder, name: "painting")
        #expect(first.all.map(\.lastPathComponent) == ["painting-001.png", "painting-001.mask.png", "painting-001.instances.png", "painting-001.json"])
        for name in ["painting-007.json", "painting-003.mask.png", "painting-x.png", "paintings-050.png", "other-090.png"] {
            try Data().write(to: folder.appendingPathComponent(name))
        }
        #expect(try SavedFiles.next(in: folder, name: "painting").image.lastPathComponent == "painting-008.png")
        #expect(try SavedFiles.next(in: folder, name: "other").session.lastPathComponent == "other-091.json")
        #expect(SavedFiles(folder: folder, name: "p", number: 1234).image.lastPathComponent == "p-1234.png")
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
        let first = try state.save(to: folder)
        let firstImage = try Data(contentsOf: first.image)
        state.randomStyle()
        #expect(state.isDirty)
        let second = try state.save(to: folder)
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
}
