import Foundation
import ImageFiles
import Painter
import Testing
@testable import PaintTUI

@Suite struct PaintAppTests {
    @Test func thePreviewFollowsTheNewestPictureAndThePanelSize() throws {
        let state = try TUIFixtures.state(renderer: true)
        let renderer = try #require(state.renderer)
        state.requestRender()
        renderer.wait()
        let first = try #require(renderer.latestResult())
        var cache = PreviewCache()
        let scaled = cache.picture(of: first, width: 20, height: 20)
        #expect(scaled == HalfBlockPicture(first.image, width: 20, height: 20))
        #expect(cache.picture(of: first, width: 20, height: 20) == scaled)
        #expect(cache.picture(of: first, width: 10, height: 10).width == 10)
        // A new picture replaces the old one.
        state.randomStyle()
        renderer.wait()
        let second = try #require(renderer.latestResult())
        #expect(second.generation != first.generation)
        #expect(cache.picture(of: second, width: 10, height: 10) == HalfBlockPicture(second.image, width: 10, height: 10))
    }
}
