import CLADE
import Testing

@Suite struct NearestResizeTests {
    @Test func sameSizeIsIdentityAndDoublingRepeats() {
        #expect(NearestResize.sourceIndices(inputSize: 7, outputSize: 7) == Array(0 ..< 7))
        #expect(NearestResize.sourceIndices(inputSize: 4, outputSize: 8) == [0, 0, 1, 1, 2, 2, 3, 3])
        #expect(NearestResize.sourceIndices(inputSize: 256, outputSize: 8) == (0 ..< 8).map { $0 * 32 })
    }

    @Test func floatScaleDiffersFromExactRatioAsInPyTorch() {
        // 26 -> 22: exact floor(11 * 26 / 22) = 13, but PyTorch's Float scale 1.1818181 gives 12.
        #expect(NearestResize.sourceIndices(inputSize: 26, outputSize: 22)[11] == 12)
    }

    @Test func indicesStayInRange() {
        for input in 1 ... 40 {
            for output in 1 ... 40 {
                let indices = NearestResize.sourceIndices(inputSize: input, outputSize: output)
                #expect(indices.count == output)
                #expect(indices.allSatisfy { (0 ..< input).contains($0) })
                #expect(zip(indices, indices.dropFirst()).allSatisfy { $0 <= $1 })
            }
        }
    }

    @Test func resizesEachChannelOfATensor() {
        // [2, 2, 3] -> [2, 4, 6]: every value becomes a 2x2 block, channel by channel.
        let tensor = Tensor(shape: [2, 2, 3], data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        let resized = NearestResize.resize(tensor, width: 6, height: 4)
        #expect(resized.shape == [2, 4, 6])
        #expect(Array(resized.data[0 ..< 12]) == [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3])
        #expect(Array(resized.data[24 ..< 30]) == [7, 7, 8, 8, 9, 9])
        #expect(Array(resized.data[42 ..< 48]) == [10, 10, 11, 11, 12, 12])
    }

    @Test func resizesLabelAndInstanceMaps() {
        let labels = LabelMap(width: 4, height: 2, classes: [0, 1, 2, 3, 4, 5, 6, 7])
        let small = NearestResize.resize(labels, width: 2, height: 1)
        #expect(small == LabelMap(width: 2, height: 1, classes: [0, 2]))
        let instances = InstanceMap(width: 2, height: 1, ids: [8, 9])
        #expect(
            NearestResize.resize(instances, width: 3, height: 2)
                == InstanceMap(width: 3, height: 2, ids: [8, 8, 9, 8, 8, 9]))
    }
}
