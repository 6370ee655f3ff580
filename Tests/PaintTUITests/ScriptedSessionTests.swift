import Painter
import Testing

@testable import PaintTUI

@Suite struct ScriptedSessionTests {
    @Test func theSameSeedGivesTheSameSteps() {
        var first = ScriptedSession(seed: 7, classCount: 6)
        var again = ScriptedSession(seed: 7, classCount: 6)
        var other = ScriptedSession(seed: 8, classCount: 6)
        let steps = first.steps(60)
        #expect(steps.count == 60)
        #expect(steps == again.steps(60))
        #expect(steps != other.steps(60))
        // One ICPE toggle from a third of the way in, one random style from two thirds.
        let icpe = steps.indices.filter { steps[$0].command == .toggleICPE }
        let style = steps.indices.filter { steps[$0].command == .randomStyle }
        #expect(icpe.count == 1 && icpe[0] >= 20 && style.count == 1 && style[0] >= 40)
    }

    @Test func everyToolEpisodesEndWithNothingPressedAndReplayAlike() throws {
        let painter = try TUIFixtures.session(grid: (16, 16))
        let replay = try TUIFixtures.session(grid: (16, 16))
        var script = ScriptedSession(seed: 3, classCount: 6, everyTool: true)
        var again = script
        var commands = Set<Command>()
        for _ in 0 ..< 300 {
            var peek = script
            commands.formUnion(peek.nextEpisode().map(\.command))
            script.playEpisode(on: painter)
            again.playEpisode(on: replay)
            #expect(!painter.state.isPressed && painter.dialog == nil && painter.pendingFill == nil)
            #expect(painter.state.canvas == replay.state.canvas)
        }
        let tools: [Command] = [
            .tool(.eraser), .tool(.line), .tool(.rectangle), .tool(.eyedropper), .tool(.fill), .clear, .redo, .undo,
        ]
        #expect(tools.allSatisfy(commands.contains))
    }
}
