import Testing

@testable import Painter

@Suite struct UndoHistoryTests {
    func canvas(_ label: Int32) -> Canvas { Canvas(width: 1, height: 1, fill: Cell(label: label)) }

    @Test func undoThenRedoWalksBackAndForth() {
        var history = UndoHistory()
        history.record(before: canvas(0))
        history.record(before: canvas(1))
        #expect(history.undo(from: canvas(2)) == canvas(1))
        #expect(history.undo(from: canvas(1)) == canvas(0))
        #expect(history.undo(from: canvas(0)) == nil)
        #expect(history.redo(from: canvas(0)) == canvas(1))
        #expect(history.redo(from: canvas(1)) == canvas(2))
        #expect(history.redo(from: canvas(2)) == nil)
    }

    @Test func keepsTheNewestStepsUpToTheLimit() {
        var history = UndoHistory(limit: 100)
        for label in 0 ..< 130 { history.record(before: canvas(Int32(label))) }
        #expect(history.undoCount == 100)
        var current = canvas(130)
        var seen: [Int32] = []
        while let previous = history.undo(from: current) {
            seen.append(previous.cells[0].label)
            current = previous
        }
        #expect(seen == Array((30 ..< 130).reversed()))
        #expect(history.redoCount == 100)
    }

    @Test func recordingDropsRedo() {
        var history = UndoHistory()
        history.record(before: canvas(0))
        _ = history.undo(from: canvas(1))
        history.record(before: canvas(0))
        #expect(history.redoCount == 0 && history.undoCount == 1)
    }
}
