import Testing

@testable import CLADE

@Suite("ClassChunks")
struct ClassChunksTests {
    @Test("a chunk of 8 pixels has its class only when all 8 share it; the rest of a row has no chunk")
    func chunks() {
        // Row 0: 8 of class 2, then 1 of class 0 and 7 of class 2, then 3 pixels left over. Row 1: all class 1.
        let row0: [Int32] = Array(repeating: 2, count: 8) + [0] + Array(repeating: 2, count: 7) + [2, 2, 2]
        let row1 = [Int32](repeating: 1, count: 19)
        let chunks = ClassChunks(classes: row0 + row1, height: 2, width: 19)
        #expect(chunks.chunksPerRow == 2)
        #expect(chunks.classes == [2, -1, 1, 1])
    }
}
