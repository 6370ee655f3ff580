import CLADE
import Foundation
import Testing

/// One case written by Training/make_conditioning_fixtures.py: a painted grid and the Python twin's maps.
private struct ConditioningCase: Decodable {
    struct Grid: Decodable {
        let height: Int
        let width: Int
        let labels: [Int32]
        let instances: [Int32]
    }

    let name: String
    let grid: Grid
    let height: Int
    let width: Int
    let ignoredClass: Int32?
    /// The upsampling; absent: the class vote.
    let upsampling: LabelUpsampling.Method?
    let labels: [Int32]
    let instances: [Int32]
    /// Edge map, 0 or 1 per pixel, `[H, W]`.
    let edges: [Int]
    /// Distance map `[2, H, W]` as Float bit patterns.
    let distanceBits: [UInt32]
}

/// PyTorch's own nearest-resize results, written by the same script.
private struct NearestCase: Decodable {
    struct Indices: Decodable {
        let `in`: Int
        let out: Int
        let source: [Int]
    }

    struct Bits: Decodable {
        let shape: [Int]
        let bits: [UInt32]
    }

    let indices: [Indices]
    let tensor: Bits
    let height: Int
    let width: Int
    let resizedBits: [UInt32]
}

private func loadFixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    let url = try #require(
        Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"),
        "missing fixture \(name).json: run Training/make_conditioning_fixtures.py")
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(type, from: Data(contentsOf: url))
}

@Suite("Conditioning maps agree with the Python twin bit for bit")
struct ConditioningFixturesTests {
    @Test(arguments: [
        "square-instances", "wide-random", "diagonal-stroke", "dontcare", "full-size-islands",
        "odd-ratio", "smooth-square-instances", "smooth-wide-random", "smooth-diagonal-stroke",
        "smooth-full-size-islands", "smooth-odd-ratio", "smooth-painted-scene",
    ])
    func upsamplingEdgesAndDistances(caseName: String) throws {
        let fixture = try loadFixture("conditioning-\(caseName)", as: ConditioningCase.self)
        let grid = LabelMap(width: fixture.grid.width, height: fixture.grid.height, classes: fixture.grid.labels)
        let gridIds = InstanceMap(width: fixture.grid.width, height: fixture.grid.height, ids: fixture.grid.instances)

        // Both methods match the twin exactly: every step is integer or float64 arithmetic in one order.
        let (labels, instances) = LabelUpsampling.upsample(
            labels: grid, instances: gridIds, width: fixture.width, height: fixture.height,
            method: fixture.upsampling ?? .classVote)
        #expect(labels == LabelMap(width: fixture.width, height: fixture.height, classes: fixture.labels))
        #expect(instances == InstanceMap(width: fixture.width, height: fixture.height, ids: fixture.instances))

        let edges = EdgeMap.compute(labels: labels, instances: instances)
        #expect(edges.shape == [1, fixture.height, fixture.width])
        #expect(edges.data == fixture.edges.map { Float($0) })

        let distance = DistanceMap.compute(labels: labels, instances: instances, ignoredClass: fixture.ignoredClass)
        #expect(distance.shape == [2, fixture.height, fixture.width])
        let mismatches = zip(distance.data, fixture.distanceBits).filter { $0.bitPattern != $1 }.count
        #expect(distance.data.count == fixture.distanceBits.count)
        #expect(mismatches == 0, "\(mismatches) distance values differ from the Python twin")
    }

    @Test func nearestResizeMatchesPyTorch() throws {
        let fixture = try loadFixture("conditioning-nearest", as: NearestCase.self)
        for pair in fixture.indices {
            #expect(
                NearestResize.sourceIndices(inputSize: pair.in, outputSize: pair.out) == pair.source,
                "\(pair.in) -> \(pair.out)")
        }
        let tensor = Tensor(shape: fixture.tensor.shape, data: fixture.tensor.bits.map(Float.init(bitPattern:)))
        let resized = NearestResize.resize(tensor, width: fixture.width, height: fixture.height)
        #expect(resized.shape == [fixture.tensor.shape[0], fixture.height, fixture.width])
        #expect(resized.data.map(\.bitPattern) == fixture.resizedBits)
    }

    @Test(arguments: [ConditioningConventions.DistanceMapSize.source, .picture])
    func dataSetMapsUnderTheOfficialConventions(mapSize: ConditioningConventions.DistanceMapSize) throws {
        let fixture = try loadFixture("conditioning-data-set-maps", as: DataSetMapsCase.self)
        var conventions = ConditioningConventions.official(rawZeroClass: fixture.ignoredClass)
        conventions.icpeMapSize = mapSize
        let config = ModelConfig(
            architecture: .clade, blockNorms: [ModelConfig.Normalization](repeating: .clade, count: 7),
            ngf: 1, width: 32, height: 32, labelNC: 5, useInstanceEdges: true, useICPE: true,
            palette: "x", classNames: ["a", "b", "c", "d", "e"], conditioning: conventions)
        let source = fixture.source
        let input = DataSetConditioning.generatorInput(
            labels: LabelMap(width: source.width, height: source.height, classes: source.labels),
            instances: InstanceMap(width: source.width, height: source.height, ids: source.instances),
            config: config, width: fixture.width, height: fixture.height, icpe: true, style: nil)
        #expect(input.labels.classes == fixture.labels)
        #expect(input.edges?.data == fixture.edges.map(Float.init))
        let expected = mapSize == .source ? fixture.distanceBitsSource : fixture.distanceBitsPicture
        #expect(input.distances?.data.map(\.bitPattern) == expected)
    }

    @Test func pillowNearestResizeMatchesPillow() throws {
        let fixture = try loadFixture("conditioning-pillow-nearest", as: PillowNearestCase.self)
        #expect(!fixture.indices.isEmpty)
        for pair in fixture.indices {
            #expect(
                PillowNearestResize.sourceIndices(inputSize: pair.in, outputSize: pair.out) == pair.source,
                "\(pair.in) -> \(pair.out)")
        }
    }
}

/// A data set's maps at their own size and the Python twin's generator maps under the official conventions.
private struct DataSetMapsCase: Decodable {
    struct Source: Decodable {
        let height: Int
        let width: Int
        let labels: [Int32]
        let instances: [Int32]
    }

    let source: Source
    let height: Int
    let width: Int
    let ignoredClass: Int
    let labels: [Int32]
    let edges: [Int]
    let distanceBitsSource: [UInt32]
    let distanceBitsPicture: [UInt32]
}

/// Pillow's own nearest-resize source indices, written by the same script.
private struct PillowNearestCase: Decodable {
    let indices: [NearestCase.Indices]
}
