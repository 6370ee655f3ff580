import Testing

@testable import CLADE

@Suite("SemanticMaps")
struct SemanticMapsTests {
    static let maps = SemanticMaps(
        classCount: 3, height: 2, width: 4, classes: [0, 1, 2, 0, 1, 1, 2, 2],
        edges: [1, 0, 0, 1, 0, 1, 1, 0], distances: [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17])

    @Test("nearest resizing picks floor(dst * in / out) in every map")
    func resize() {
        let half = Self.maps.resized(height: 1, width: 2)
        #expect(half.classes == [0, 2])
        #expect(half.edges == [1, 0])
        #expect(half.distances == [0, 2, 10, 12])
        let odd = Self.maps.resized(height: 2, width: 3)
        #expect(odd.classes == [0, 1, 2, 1, 1, 2])
        #expect(Self.maps.resized(height: 2, width: 4).classes == Self.maps.classes)
    }

    @Test("one-hot classes with the edge channel last")
    func oneHot() {
        let oneHot = Self.maps.oneHot()
        #expect(oneHot.shape == [4, 2, 4])
        #expect(Array(oneHot.data[0 ..< 8]) == [1, 0, 0, 1, 0, 0, 0, 0])
        #expect(Array(oneHot.data[16 ..< 24]) == [0, 0, 1, 0, 0, 0, 1, 1])
        #expect(Array(oneHot.data[24 ..< 32]) == [1, 0, 0, 1, 0, 1, 1, 0])
        let plain = SemanticMaps(classCount: 2, height: 1, width: 2, classes: [1, 0], edges: nil, distances: nil)
        #expect(plain.oneHot().data == [0, 1, 1, 0])
    }
}
