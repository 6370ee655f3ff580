import CLADE
import Painter

/// A seeded painting session as a person plays it at the keyboard: episodes of key commands, each command with the
/// pause before it. The same seed gives the same commands, so a benchmark can play one session under several
/// settings and a checker can replay what a killed painter did.
///
/// Episodes: a stroke (pick a class, pen down, 2-9 moves in one direction, pen up; half of them as key-repeat
/// bursts), cursor travel with the pen up, a fill (fill tool, apply, brush back), a brush size change, an undo.
/// With `everyTool`, half the episodes use the rest of the painter instead: eraser, line and rectangle strokes after
/// a jump of the cursor, the eyedropper, new objects, redo, random styles and the style history, ICPE, the brush
/// shape, clearing. Every episode ends with the pen up.
public struct ScriptedSession {
    /// One key command and the pause before it.
    public struct Step: Sendable, Equatable {
        public let command: Command
        public let delayMs: Double
    }

    /// The pause between repeated keys in a burst (a typical key-repeat rate of 30 per second).
    public static let burstMs = 33.0

    private var random: SplitMix64
    private let classCount: Int
    private let intervalMs: Double
    private let everyTool: Bool

    /// - intervalMs: the mean pause between commands at a person's pace (bursts go at key-repeat pace).
    public init(seed: UInt64, classCount: Int, intervalMs: Double = 150, everyTool: Bool = false) {
        random = SplitMix64(seed: seed)
        self.classCount = classCount
        self.intervalMs = intervalMs
        self.everyTool = everyTool
    }

    private mutating func below(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }

    /// A person's pauses vary: 0.6 to 1.4 times the mean.
    private mutating func paced() -> Double { intervalMs * (0.6 + 0.8 * random.nextUniform()) }

    private mutating func paced(_ commands: Command...) -> [Step] {
        commands.map { Step(command: $0, delayMs: paced()) }
    }

    /// `count` steps, the ICPE toggle a third of the way in and a random style two thirds in (the last episode cut
    /// short where the count ends).
    public mutating func steps(_ count: Int) -> [Step] {
        var steps: [Step] = []
        var icpeDone = false
        var styleDone = false
        while steps.count < count {
            if !icpeDone && steps.count >= count / 3 {
                icpeDone = true
                steps += paced(.toggleICPE)
            } else if !styleDone && steps.count >= 2 * count / 3 {
                styleDone = true
                steps += paced(.randomStyle)
            } else {
                steps += nextEpisode()
            }
        }
        return Array(steps.prefix(count))
    }

    /// Plays the next episode on `session` at once, without the pauses. What the painter asks is confirmed: a clear
    /// with y, a large fill with a second press of space.
    public mutating func playEpisode(on session: PaintSession) {
        for step in nextEpisode() {
            session.perform(step.command)
            if session.dialog == .confirm(.clear) { session.handle(.key(.character("y"))) }
            if session.pendingFill != nil { session.handle(.key(.character(" "))) }
        }
    }

    private static let directions = [(1, 0), (-1, 0), (0, 1), (0, -1)]

    public mutating func nextEpisode() -> [Step] {
        if everyTool && random.nextUniform() < 0.5 { return otherToolEpisode() }
        let episode = random.nextUniform()
        if episode < 0.45 {
            let (dx, dy) = Self.directions[below(4)]
            let burst = random.nextUniform() < 0.5
            var steps = paced(.selectClass(below(classCount)), .togglePen)
            for _ in 0 ..< 2 + below(8) {
                steps.append(Step(command: .move(dx: dx, dy: dy), delayMs: burst ? Self.burstMs : paced()))
            }
            return steps + paced(.togglePen)
        } else if episode < 0.65 {
            let (dx, dy) = Self.directions[below(4)]
            return (0 ..< 1 + below(6)).map { _ in Step(command: .move(dx: dx, dy: dy), delayMs: Self.burstMs) }
        } else if episode < 0.85 {
            return paced(.selectClass(below(classCount)), .tool(.fill), .apply, .tool(.brush))
        } else if episode < 0.93 {
            return paced(random.nextUniform() < 0.5 ? .brushLarger : .brushSmaller)
        } else {
            return paced(.undo)
        }
    }

    /// A move of the cursor by up to 16 cells each way (clamped to the canvas by the painter).
    private mutating func jump() -> Command { .move(dx: below(33) - 16, dy: below(33) - 16) }

    private mutating func otherToolEpisode() -> [Step] {
        switch below(10) {
        case 0 ..< 4:
            let tool = [Tool.eraser, .line, .rectangle][below(3)]
            var steps = paced(.tool(tool), jump(), .togglePen)
            for _ in 0 ..< 1 + below(6) { steps += paced(jump()) }
            return steps + paced(.togglePen, .tool(.brush))
        case 4: return paced(.tool(.eyedropper), jump(), .apply, .tool(.brush))
        case 5: return paced(.newObject)
        case 6: return paced(.redo)
        case 7: return paced([.randomStyle, .styleBack, .styleForward][below(3)])
        case 8: return paced(.toggleICPE)
        default: return paced(below(8) == 0 ? .clear : .toggleBrushShape)
        }
    }
}
