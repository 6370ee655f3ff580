import Foundation
import ImageFiles
import Testing

/// `clade-paint bench latency` on a fixture model: the report's structure and its internal consistency (no
/// timing thresholds: the figures depend on the machine's load).
@Suite struct BenchLatencyTests {
    /// The JSON objects of the output, one per line.
    func objects(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }

    @Test func aShortSessionReportsEveryActionAndASummary() throws {
        let scratch = try Scratch()
        let result = try scratch.run(["bench", "latency", "--model", scratch.modelFile, "--threads", "1",
                                      "--actions", "12", "--interval-ms", "20", "--seed", "3", "--preview", "preview.png"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try objects(result.stdout)
        try #require(lines.count == 13)
        let actions = Array(lines.dropLast()), summary = lines.last!

        #expect(actions.map { $0["action"] as? Int } == Array(0 ..< 12))
        var rendered: [Double] = []
        var superseded = 0
        for action in actions {
            #expect(action["command"] is String)
            #expect((action["handle_ms"] as? Double).map { $0 >= 0 } == true)
            #expect(action["render_running"] is Bool)
            // An action that changed the picture carries its request and its wait for the preview; others carry none.
            if let previewMs = action["preview_ms"] as? Double {
                #expect(previewMs >= 0)
                #expect(action["generation"] is Int)
                if action["superseded"] as? Bool == true { superseded += 1 }
                rendered.append(previewMs)
            } else {
                #expect(action["generation"] == nil && action["superseded"] == nil)
            }
        }
        // The script starts with a class choice and a pen-down that paints: at least one action waits for a picture.
        #expect(!rendered.isEmpty)

        #expect(summary["summary"] as? String == "latency")
        #expect(summary["actions"] as? Int == 12)
        #expect(summary["seed"] as? Int == 3)
        #expect(summary["threads"] as? Int == 1)
        #expect(summary["picture"] as? String == "64x64")
        #expect(summary["ui_limit_ms"] as? Double == 20)
        #expect(summary["ui_within_limit"] is Bool)
        #expect(summary["superseded"] as? Int == superseded)
        let latency = try #require(summary["action_to_preview_ms"] as? [String: Any])
        #expect(latency["count"] as? Int == rendered.count)
        #expect(latency["max"] as? Double == rendered.max())
        let sortedLatency = rendered.sorted()
        #expect(latency["p95"] as? Double == sortedLatency[Int((0.95 * Double(rendered.count)).rounded(.up)) - 1])
        for key in ["ui_ms_all", "ui_ms_while_rendering", "render_ms"] {
            let figures = try #require(summary[key] as? [String: Any], "\(key)")
            for figure in ["count", "median", "p95", "max"] { #expect(figures[figure] != nil, "\(key).\(figure)") }
        }
        #expect((summary["ui_ms_all"] as? [String: Any])?["count"] as? Int == 12)
        let renders = try #require(summary["renders"] as? [String: Any])
        #expect(renders["failed"] as? Int == 0)
        #expect((renders["rendered"] as? Int).map { $0 >= 2 } == true)
        #expect((summary["load_average"] as? [String: Any])?["start"] is [Double])

        let preview = try scratch.picture("preview.png")
        #expect(preview.width == 64 && preview.height == 64)
    }

    @Test func theSameSeedPlaysTheSameScript() throws {
        let scratch = try Scratch()
        let arguments = ["bench", "latency", "--model", scratch.modelFile, "--threads", "1", "--actions", "8", "--interval-ms", "5"]
        let commands = try [1, 1, 2].map { seed in
            let result = try scratch.run(arguments + ["--seed", "\(seed)"])
            #expect(result.status == 0, "\(result.stderr)")
            return try objects(result.stdout).dropLast().map { $0["command"] as? String }
        }
        #expect(commands[0] == commands[1])
        #expect(commands[0] != commands[2])
    }

    @Test func badCountsAreRefused() throws {
        let scratch = try Scratch()
        var result = try scratch.run(["bench", "latency", "--model", scratch.modelFile, "--actions", "0"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--actions must be at least 1."))
        result = try scratch.run(["bench", "latency", "--model", scratch.modelFile, "--interval-ms", "0"])
        #expect(result.stderr.contains("--interval-ms must be positive."))
    }
}
