import Foundation
import TestSupport
import Testing

/// `clade-paint bench generator --scale`: the draft's timing input (the latency bench has its own file).
@Suite struct BenchTests {
    func summary(_ stdout: String) throws -> [String: Any] {
        let line = try #require(stdout.split(separator: "\n").last)
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func scaleTwoTimesTheHalfSizePicture() throws {
        let scratch = try Scratch()
        let input = TestFixtures.folder.appendingPathComponent("\(scratch.fixture).io.safetensors").path
        let arguments = [
            "bench", "generator", "--model", scratch.modelFile, "--input", input, "--threads", "1", "--repeat", "1",
            "--output", "picture.f32",
        ]
        let full = try scratch.run(arguments)
        #expect(full.status == 0, "\(full.stderr)")
        let half = try scratch.run(arguments + ["--scale", "2"])
        #expect(half.status == 0, "\(half.stderr)")
        let (fullSummary, halfSummary) = (try summary(full.stdout), try summary(half.stdout))
        #expect(fullSummary["size"] as? String == "64x64" && fullSummary["scale"] as? Int == 1)
        #expect(halfSummary["size"] as? String == "32x32" && halfSummary["scale"] as? Int == 2)
        // Every convolution runs over a quarter of the pixels (the head's linear layer, counted at 32x32, is tiny).
        let ratio = try #require(fullSummary["flops"] as? Double) / #require(halfSummary["flops"] as? Double)
        #expect(ratio > 3.9 && ratio <= 4)
        #expect(try Data(contentsOf: scratch.url("picture.f32")).count == 3 * 32 * 32 * 4)
    }

    @Test func scalesTheModelCannotDrawAreRefused() throws {
        let scratch = try Scratch()
        let input = TestFixtures.folder.appendingPathComponent("\(scratch.fixture).io.safetensors").path
        let arguments = [
            "bench", "generator", "--model", scratch.modelFile, "--input", input, "--threads", "1", "--repeat", "1",
        ]
        var result = try scratch.run(arguments + ["--scale", "4"])
        #expect(result.status != 0)
        #expect(
            result.stderr.contains(
                "--scale 4: a 16x16 picture: this model starts from a style code (use_vae), so it draws only 64x64, 32x32"
            ), "\(result.stderr)")
        result = try scratch.run(arguments + ["--scale", "0"])
        #expect(result.stderr.contains("--scale 0: the scale must be a power of two"), "\(result.stderr)")
        result = try scratch.run(arguments + ["--scale", "3"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("the scale must be a power of two that divides both sides"), "\(result.stderr)")
    }

    @Test func sgemmRefusesSizesItCannotHold() throws {
        let scratch = try Scratch()
        var result = try scratch.run([
            "bench", "sgemm", "-m", "9223372036854775807", "-n", "4", "-k", "9223372036854775807",
        ])
        #expect(result.status != 0)
        #expect(
            result.stderr.contains(
                "-m 9223372036854775807 -n 4 -k 9223372036854775807: A, B and C need 3.4e+29 GB; bench sgemm times products whose matrices hold at most 1073741824 floats"
            ), "\(result.stderr)")
        result = try scratch.run(["bench", "sgemm", "-m", "0"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("-m 0 -n 4096 -k 4608: each size must be at least 1."), "\(result.stderr)")
        result = try scratch.run(["bench", "sgemm", "-m", "8", "-n", "8", "-k", "8", "--threads", "1", "--repeat", "1"])
        #expect(result.status == 0, "\(result.stderr)")
    }
}
