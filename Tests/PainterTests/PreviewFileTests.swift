import Foundation
import ImageFiles
import Testing

@testable import Painter

@Suite struct PreviewFileTests {
    /// A 4x4 picture of one grey level.
    func picture(_ level: UInt8) -> PNGImage {
        PNGImage(width: 4, height: 4, pixels: Array(repeating: level, count: 48))
    }

    @Test func theNewestPictureIsInTheFile() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let file = PreviewFile(url: folder.appendingPathComponent("preview.png"))
        for level in [10, 20, 30] as [UInt8] { file.write(picture(level)) }
        file.wait()
        #expect(try PNGImage.read(file.url) == picture(30))
        #expect(file.problem() == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["preview.png"])
    }

    @Test func aFailedWriteIsTheProblemUntilAWriteSucceeds() throws {
        let folder = try PainterFixtures.temporaryFolder()
        let blocker = folder.appendingPathComponent("state")
        try Data().write(to: blocker)
        let file = PreviewFile(url: blocker.appendingPathComponent("preview.png"))
        file.write(picture(10))
        file.wait()
        #expect(
            file.problem()
                == "the preview picture is not written: \(file.url.path): cannot write: \(blocker.path) is not a folder"
        )
        try FileManager.default.removeItem(at: blocker)
        try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: false)
        file.write(picture(20))
        file.wait()
        #expect(file.problem() == nil)
        #expect(try PNGImage.read(file.url) == picture(20))
    }
}
