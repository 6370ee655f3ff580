import Synchronization
import Testing

@testable import CLADE

@Suite("Parallel")
struct ParallelTests {
    /// Collects the ranges one call hands out.
    final class Ranges: Sendable {
        private let collected = Mutex<[Range<Int>]>([])
        var ranges: [Range<Int>] { collected.withLock { $0 } }
        func add(_ range: Range<Int>) { collected.withLock { $0.append(range) } }
    }

    @Test("parts are contiguous, disjoint and cover the whole range", arguments: [1, 2, 3, 17, 1000])
    func cover(count: Int) {
        let seen = Ranges()
        Parallel.forEach(count) { seen.add($0) }
        let sorted = seen.ranges.sorted { $0.lowerBound < $1.lowerBound }
        #expect(sorted.first?.lowerBound == 0 && sorted.last?.upperBound == count)
        for (a, b) in zip(sorted, sorted.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
        #expect(sorted.allSatisfy { !$0.isEmpty })
        #expect(sorted.count <= max(1, Parallel.threads))
    }

    @Test("work below the grain stays in one part; no work calls nothing")
    func grain() {
        let seen = Ranges()
        Parallel.forEach(10, grain: 100) { seen.add($0) }
        #expect(seen.ranges == [0 ..< 10])
        let none = Ranges()
        Parallel.forEach(0) { none.add($0) }
        #expect(none.ranges.isEmpty)
    }

    @Test("every item runs once, on a worker in range; one worker at a time per worker id", arguments: [0, 1, 5, 300])
    func items(count: Int) {
        let runs = Mutex<[Int: Int]>([:])
        let busy = Mutex<Set<Int>>([])
        let overlaps = Mutex(0)
        Parallel.forEachItem(count, workers: 3) { worker, item in
            #expect(worker >= 0 && worker < 3)
            busy.withLock { if !$0.insert(worker).inserted { overlaps.withLock { $0 += 1 } } }
            runs.withLock { $0[item, default: 0] += 1 }
            busy.withLock { _ = $0.remove(worker) }
        }
        #expect(runs.withLock { $0 } == Dictionary(uniqueKeysWithValues: (0 ..< count).map { ($0, 1) }))
        #expect(overlaps.withLock { $0 } == 0)
    }
}
