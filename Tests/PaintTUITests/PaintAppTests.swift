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
        let scaled = cache.picture(of: first, width: 20, height: 20, colors: .direct)
        #expect(scaled == HalfBlockPicture(first.image, width: 20, height: 20))
        #expect(cache.picture(of: first, width: 20, height: 20, colors: .direct) == scaled)
        #expect(cache.picture(of: first, width: 10, height: 10, colors: .direct).width == 10)
        // A new picture replaces the old one.
        state.randomStyle()
        renderer.wait()
        let second = try #require(renderer.latestResult())
        #expect(second.generation != first.generation)
        #expect(
            cache.picture(of: second, width: 10, height: 10, colors: .direct)
                == HalfBlockPicture(second.image, width: 10, height: 10))
        // A request's draft and its final picture share a generation; the final one still replaces the draft.
        let draft = RenderResult(
            generation: second.generation, request: second.request, image: first.image, isDraft: true, milliseconds: 1)
        #expect(
            cache.picture(of: draft, width: 10, height: 10, colors: .direct)
                == HalfBlockPicture(first.image, width: 10, height: 10))
        #expect(
            cache.picture(of: second, width: 10, height: 10, colors: .direct)
                == HalfBlockPicture(second.image, width: 10, height: 10))
        // On a 256-colour terminal the preview is dithered to the terminal's palette.
        let dithered = cache.picture(of: second, width: 10, height: 10, colors: .palette256)
        #expect(
            dithered
                == PaletteDithering(mode: .palette256)!.apply(to: HalfBlockPicture(second.image, width: 10, height: 10))
        )
    }
}
