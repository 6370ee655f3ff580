import Foundation
import Testing

@testable import clade_paint

/// `RenderPipeline` with stand-in stages that record what ran (the stages of `render` itself are covered by
/// RenderTests): order, how far conditioning runs ahead, and what an error in each stage stops.
struct RenderPipelineTests {
    struct StageError: Error, Equatable {
        let stage: String
        let index: Int
    }

    /// What the stages saw, shared by the pipeline's threads.
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var conditionedJobs: [Int] = [], generatedJobs: [Int] = [], writtenJobs: [Int] = []
        /// For each generated job, how many jobs had been conditioned when it started.
        private var aheadAtGenerate: [Int] = []

        var conditioned: [Int] { lock.withLock { conditionedJobs } }
        var generated: [Int] { lock.withLock { generatedJobs } }
        var written: [Int] { lock.withLock { writtenJobs } }
        var ahead: [Int] { lock.withLock { aheadAtGenerate } }

        func condition(_ index: Int) { lock.withLock { conditionedJobs.append(index) } }
        func generate(_ index: Int) {
            lock.withLock {
                generatedJobs.append(index)
                aheadAtGenerate.append(conditionedJobs.count - index - 1)
            }
        }
        func write(_ index: Int) { lock.withLock { writtenJobs.append(index) } }
    }

    /// A pipeline over `log` whose stage `failing` (if any) throws at job `failAt`.
    func pipeline(_ log: Log, failing: String? = nil, failAt: Int = -1) -> RenderPipeline<Int, String> {
        RenderPipeline(
            condition: { index in
                if failing == "condition" && index == failAt { throw StageError(stage: "condition", index: index) }
                log.condition(index)
                return index * 10
            },
            generate: { index, value in
                if failing == "generate" && index == failAt { throw StageError(stage: "generate", index: index) }
                log.generate(index)
                // Long enough for the conditioner to run ahead of it.
                Thread.sleep(forTimeInterval: 0.002)
                #expect(value == index * 10)
                return "picture \(index)"
            },
            write: { index, picture in
                if failing == "write" && index == failAt { throw StageError(stage: "write", index: index) }
                #expect(picture == "picture \(index)")
                log.write(index)
            })
    }

    @Test func everyJobGoesThroughEveryStageInOrder() throws {
        let log = Log()
        try pipeline(log).run(count: 20)
        #expect(log.conditioned == Array(0 ..< 20))
        #expect(log.generated == Array(0 ..< 20))
        #expect(log.written == Array(0 ..< 20))
        // Conditioning runs ahead of the generator, never by more than its depth.
        #expect(log.ahead.allSatisfy { (0 ... 2).contains($0) })
    }

    @Test func noJobsIsNothingToDo() throws {
        let log = Log()
        try pipeline(log).run(count: 0)
        #expect(log.conditioned.isEmpty && log.written.isEmpty)
    }

    @Test(arguments: ["condition", "generate", "write"])
    func anErrorStopsTheBatchAndIsThrown(stage: String) throws {
        let log = Log()
        #expect(throws: StageError(stage: stage, index: 5)) {
            try pipeline(log, failing: stage, failAt: 5).run(count: 20)
        }
        // Pictures before the failing job are written whole; nothing is generated past the generator's depth after it.
        #expect(Array(log.written.prefix(5)) == Array(0 ..< 5))
        #expect(!log.written.contains(5))
        #expect(log.generated.allSatisfy { $0 <= 5 + 2 })
        if stage != "write" { #expect(log.written == Array(0 ..< 5)) }
    }
}
