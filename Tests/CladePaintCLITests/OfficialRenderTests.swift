import CLADE
import Foundation
import ImageFiles
import TestSupport
import Testing

/// `clade-paint render --labels ...` against the official CLADE code's own pictures
/// (`Tests/CLADETests/Fixtures/official`, written by `Training/make_official_fixtures.py` from an official checkout):
/// generators of the official COCO-Stuff, ADE20K and Cityscapes configurations, converted by `Training/convert.py`,
/// drawn from COCO-Stuff annotations (remapped into the other data sets' file formats).
///
/// - track `test`: the official `test.py` pictures from the raw files at their own size.
/// - track `at_size`: the official generator from maps already at the model's size, with the official edge and ICPE
///   rules applied at that size.
///
/// The engine and PyTorch sum in different orders, so a value that lands within float error of a level boundary can
/// fall on either side: with the official truncation a few bytes (measured: at most 9 per picture, of 196,608 or 393,216) are
/// one level off, never more; with clade-paint's rounding every byte is within one level of the official picture.
@Suite struct OfficialRenderTests {
    static let fixtures = TestFixtures.folder.appendingPathComponent("official")

    struct Manifest: Decodable {
        struct Run: Decodable {
            struct Picture: Decodable {
                let track: String
                let labels: String
                let instances: String?
                let official: String
            }

            let dataSet: String
            let variant: String
            let model: String
            let labels: String
            let pictures: [Picture]
        }

        let runs: [Run]
    }

    static func run(_ name: String) throws -> Manifest.Run {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let manifest = try decoder.decode(
            Manifest.self, from: Data(contentsOf: fixtures.appendingPathComponent("manifest.json")))
        return try #require(
            manifest.runs.first { "\($0.dataSet)-\($0.variant)" == name }, "no run \(name) in the manifest")
    }

    /// Renders the pictures of `run` on `track` in one call and returns each with its official picture.
    func render(_ run: Manifest.Run, track: String, quantize: String) throws -> [(
        name: String, ours: PNGImage, theirs: PNGImage
    )] {
        let pictures = run.pictures.filter { $0.track == track }
        #expect(!pictures.isEmpty, "no \(track) pictures")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "clade-paint-official-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("out"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var arguments = [
            "render", "--model", Self.fixtures.appendingPathComponent(run.model).path, "--labels", run.labels,
            "--quantize", quantize, "--threads", "1", "-o", "out",
        ]
        for picture in pictures {
            arguments.append(Self.fixtures.appendingPathComponent(picture.labels).path)
            if let instances = picture.instances {
                arguments += ["--instances", Self.fixtures.appendingPathComponent(instances).path]
            }
        }
        let result = try CLI.run(arguments, in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        return try pictures.map { picture in
            let stem = URL(fileURLWithPath: picture.labels).deletingPathExtension().lastPathComponent
            return (
                stem, try PNGImage.read(folder.appendingPathComponent("out/\(stem).png")),
                try PNGImage.read(Self.fixtures.appendingPathComponent(picture.official))
            )
        }
    }

    /// The largest byte difference and how many bytes differ.
    func difference(_ ours: PNGImage, _ theirs: PNGImage) -> (worst: Int, count: Int) {
        let differences = zip(ours.pixels, theirs.pixels).map { abs(Int($0) - Int($1)) }
        return (differences.max() ?? 0, differences.filter { $0 > 0 }.count)
    }

    static let runs = ["coco-clade-icpe", "coco-clade", "ade20k-clade-icpe", "cityscapes-clade-icpe"]

    @Test(arguments: runs)
    func rawDataSetFilesRenderAsTheOfficialTestScript(run name: String) throws {
        let run = try Self.run(name)
        for (picture, ours, theirs) in try render(run, track: "test", quantize: "truncate") {
            #expect(ours.width == theirs.width && ours.height == theirs.height)
            let (worst, count) = difference(ours, theirs)
            // At most 0.01% of the bytes, those on a level boundary (see the suite's comment).
            #expect(
                worst <= 1 && count <= ours.pixels.count / 10_000,
                "\(name) \(picture): \(count) bytes differ, by up to \(worst)")
        }
        for (picture, ours, theirs) in try render(run, track: "test", quantize: "round") {
            let (worst, _) = difference(ours, theirs)
            #expect(worst <= 1, "\(name) \(picture) rounded: up to \(worst) levels from the official picture")
        }
    }

    @Test(arguments: ["coco-clade-icpe", "coco-clade"])
    func mapsAtThePictureSizeRenderAsTheOfficialGeneratorWithItsRules(run name: String) throws {
        let run = try Self.run(name)
        for (picture, ours, theirs) in try render(run, track: "at_size", quantize: "truncate") {
            let (worst, count) = difference(ours, theirs)
            #expect(
                worst <= 1 && count <= ours.pixels.count / 10_000,
                "\(name) \(picture): \(count) bytes differ, by up to \(worst)")
        }
    }

    @Test func anOfficialDistanceMapFileGivesThePictureOfTheComputedOne() throws {
        // The .npy of the label file's distance map under the model's rules, written as cal_dist_masks.py saves it.
        let picture = try #require(try Self.run("coco-clade-icpe").pictures.first { $0.track == "test" })
        let labelsPath = Self.fixtures.appendingPathComponent(picture.labels).path
        let instancesPath = Self.fixtures.appendingPathComponent(try #require(picture.instances)).path
        let labels = try DataSetLabelFormat.coco.read(URL(fileURLWithPath: labelsPath))
        let instances = try InstanceMapFile.read(URL(fileURLWithPath: instancesPath))
        let source = DistanceMap.compute(labels: labels, instances: instances, ignoredClass: 0, rule: .classRegion)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "clade-paint-official-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try NPY.float32(source).write(to: folder.appendingPathComponent("dist.npy"))
        let common = [
            "render", "--model", Self.fixtures.appendingPathComponent("coco-clade-icpe.safetensors").path,
            "--labels", "coco", "--threads", "1", labelsPath, "--instances", instancesPath,
        ]
        let given = try CLI.run(common + ["--distances", "dist.npy", "-o", "given.png"], in: folder)
        let computed = try CLI.run(common + ["-o", "computed.png"], in: folder)
        #expect(given.status == 0 && computed.status == 0, "\(given.stderr)\(computed.stderr)")
        #expect(given.stdout.contains("(COCO-Stuff labels \(labels.width)x\(labels.height), official distance map)"))
        #expect(
            try PNGImage.read(folder.appendingPathComponent("given.png"))
                == PNGImage.read(folder.appendingPathComponent("computed.png")))

        try NPY.float32(Tensor(shape: [2, 4, 4], data: [Float](repeating: 0, count: 32))).write(
            to: folder.appendingPathComponent("small.npy"))
        let wrongSize = try CLI.run(common + ["--distances", "small.npy", "-o", "never.png"], in: folder)
        #expect(wrongSize.status != 0)
        #expect(wrongSize.stderr.contains("small.npy: the distance map is 4x4 but the label file"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("never.png").path))
    }

    @Test func infoNamesTheOfficialConventions() throws {
        let folder = FileManager.default.temporaryDirectory
        let result = try CLI.run(
            ["info", "--model", Self.fixtures.appendingPathComponent("coco-clade-icpe.safetensors").path], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.contains(
                "conditioning   instance edges yes, ICPE yes; data-set files: edges instance, ICPE objects class, skipping class 0, at the source size"
            ))
    }

    @Test func rawLabelsNeedAModelOfTheirDataSet() throws {
        let scratch = try Scratch()
        let picture = try #require(try Self.run("coco-clade").pictures.first)
        let result = try scratch.render([
            Self.fixtures.appendingPathComponent(picture.labels).path, "--labels", "coco", "-o", "x.png",
        ])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--labels coco: COCO-Stuff labels need a model with 183 classes; this one has"))
        let withPalette = try scratch.render([
            Self.fixtures.appendingPathComponent(picture.labels).path, "--labels", "coco",
            "--palette", "Palettes/fixture.gpl", "-o", "x.png",
        ])
        #expect(withPalette.status != 0 && withPalette.stderr.contains("drop --palette"))
        let distancesAlone = try scratch.render(["mask.png", "--distances", "d.npy", "-o", "x.png"])
        #expect(distancesAlone.status != 0 && distancesAlone.stderr.contains("--distances goes with --labels"))
    }
}

/// NumPy `.npy` bytes (format 1.0, little-endian float32, C order), as `numpy.save` writes a float32 array.
enum NPY {
    static func float32(_ tensor: Tensor) -> Data {
        var header =
            "{'descr': '<f4', 'fortran_order': False, 'shape': (\(tensor.shape.map(String.init).joined(separator: ", "))), }"
        // numpy pads the header with spaces and a newline to a multiple of 64 bytes.
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data(
            [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        for value in tensor.data { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }
}
