import CMalloc
import Glibc
import Testing

@testable import CLADE

@Suite("HeapReuse")
struct HeapReuseTests {
    /// AddressSanitizer brings its own allocator, whose `mallopt` takes nothing (scripts/sanitizers.sh runs this
    /// suite under it).
    static let glibcAllocates = dlsym(nil, "__asan_init") == nil

    /// A feature map of 16 MiB (64 channels at 256x256, the bundled model's largest) comes from the heap, not from
    /// an mmap of its own, once the thresholds are set.
    @Test(
        "glibc takes the thresholds and serves a 16 MiB map from the heap",
        .enabled(if: glibcAllocates, "the allocator is AddressSanitizer's, not glibc's"))
    func largeBlocksFromTheHeap() throws {
        #expect(HeapReuse.configure())
        let before = mallinfo2().hblkhd
        let block = try #require(malloc(16 << 20))
        defer { free(block) }
        #expect(mallinfo2().hblkhd == before)
    }
}
