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
}
