import Testing

@testable import Painter

@Suite struct StyleHistoryTests {
    @Test func backForwardAndBranching() {
        var history = StyleHistory(.seed(1))
        history.push(.seed(2))
        history.push(.preset("dusk"))
        #expect(history.current == .preset("dusk") && !history.canGoForward)
        let steps = [history.back(), history.back(), history.back(), history.forward()]
        #expect(steps == [true, true, false, true])
        #expect(history.current == .seed(2))
        history.push(.seed(9))
        #expect(history.entries == [.seed(1), .seed(2), .seed(9)])
        let forward = history.forward()
        #expect(history.position == 2 && !forward)
    }
}
