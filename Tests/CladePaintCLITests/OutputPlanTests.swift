import Foundation
import Testing

@testable import clade_paint

@Suite struct OutputPlanTests {
    func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("output-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("out"), withIntermediateDirectories: true)
        return folder
    }

    @Test func folderOutputsTakeTheMaskNames() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out").path
        let plan = try OutputPlan(masks: ["a/sky.png", "b/lake.PNG"], output: out, inputs: [], force: false)
        #expect(plan.paths == [out + "/sky.png", out + "/lake.png"])
    }

    @Test func withoutOutputTheCurrentFolderGetsRenderNames() throws {
        let plan = try OutputPlan(masks: ["masks/sky.png"], output: nil, inputs: [], force: false)
        #expect(plan.paths == ["sky.render.png"])
    }

    @Test func collisionsAndMissingFoldersAreRefused() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out").path
        #expect(
            throws: FileProblem(
                file: out + "/sky.png",
                problem: "masks a/sky.png and b/sky.png would both be written here; give them different names")
        ) {
            try OutputPlan(masks: ["a/sky.png", "b/sky.png"], output: out, inputs: [], force: false)
        }
        let missing = folder.appendingPathComponent("none").path + "/"
        #expect(throws: FileProblem(file: missing, problem: "the output folder does not exist")) {
            try OutputPlan(masks: ["sky.png"], output: missing, inputs: [], force: false)
        }
        let mask = out + "/sky.png"
        try Data("mask".utf8).write(to: URL(fileURLWithPath: mask))
        #expect(throws: FileProblem(file: mask, problem: "the output would replace an input file")) {
            try OutputPlan(masks: [mask], output: out, inputs: [mask], force: false)
        }
    }
}
