import Foundation
import ImageFiles
import Testing

/// `clade-paint bench latency` on a fixture model: the report's structure and its internal consistency (no
/// timing thresholds: the figures depend on the machine's load).
@Suite struct BenchLatencyTests {
    /// The JSON objects of the output, one per line.
    func objects(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }

    @Test func aShortSessionReportsEveryActionAndASummary() throws {
        let scratch = try Scratch()
        let result = try scratch.run([
            "bench", "latency", "--model", scratch.modelFile, "--threads", "1",
            "--actions", "12", "--interval-ms", "20", "--seed", "3", "--preview", "preview.png",
            "--drafts", "always",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try objects(result.stdout)
        try #require(lines.count == 13)
        let actions = Array(lines.dropLast())
        let summary = lines.last!

        #expect(actions.map { $0["action"] as? Int } == Array(0 ..< 12))
        #expect(actions.allSatisfy { $0["mode"] as? String == "always" })
        var first: [Double] = []
        var final: [Double] = []
        var superseded = 0
        var drafted = 0
        for action in actions {
            #expect(action["command"] is String)
            #expect((action["handle_ms"] as? Double).map { $0 >= 0 } == true)
            #expect(action["render_running"] is Bool)
            // An action that changed the picture carries its request and its waits for the previews; others carry none.
            if let firstMs = action["first_preview_ms"] as? Double {
                let finalMs = try #require(action["final_preview_ms"] as? Double)
                #expect(firstMs >= 0 && firstMs <= finalMs)
                #expect(action["generation"] is Int)
                if action["superseded"] as? Bool == true { superseded += 1 }
                if action["first_was_draft"] as? Bool == true { drafted += 1 } else { #expect(firstMs == finalMs) }
                first.append(firstMs)
                final.append(finalMs)
            } else {
                #expect(action["generation"] == nil && action["superseded"] == nil && action["final_preview_ms"] == nil)
            }
        }
        // The script starts with a class choice and a pen-down that paints: at least one action waits for a picture.
        #expect(!first.isEmpty)

        #expect(summary["summary"] as? String == "latency")
        #expect(summary["mode"] as? String == "always" && summary["draft"] as? String == "32x32")
        #expect(summary["actions"] as? Int == 12)
        #expect(summary["seed"] as? Int == 3)
        #expect(summary["threads"] as? Int == 1)
        #expect(summary["picture"] as? String == "64x64")
        #expect(summary["ui_limit_ms"] as? Double == 20)
        #expect(summary["ui_within_limit"] is Bool)
        #expect(summary["superseded"] as? Int == superseded)
        #expect(summary["first_preview_was_draft"] as? Int == drafted)
        for (key, values) in [("action_to_first_preview_ms", first), ("action_to_final_preview_ms", final)] {
            let latency = try #require(summary[key] as? [String: Any])
            #expect(latency["count"] as? Int == values.count)
            #expect(latency["max"] as? Double == values.max())
            #expect(latency["p95"] as? Double == values.sorted()[Int((0.95 * Double(values.count)).rounded(.up)) - 1])
        }
        for key in ["ui_ms_all", "ui_ms_while_rendering", "draft_render_ms", "final_render_ms"] {
            let figures = try #require(summary[key] as? [String: Any], "\(key)")
            for figure in ["count", "median", "p95", "max"] { #expect(figures[figure] != nil, "\(key).\(figure)") }
        }
        #expect((summary["ui_ms_all"] as? [String: Any])?["count"] as? Int == 12)
        let renders = try #require(summary["renders"] as? [String: Any])
        #expect(renders["failed"] as? Int == 0)
        #expect((renders["rendered"] as? Int).map { $0 >= 2 } == true)
        #expect((renders["drafts"] as? Int).map { $0 >= 1 } == true)
        #expect((summary["load_average"] as? [String: Any])?["start"] is [Double])

        let preview = try scratch.picture("preview.png")
        #expect(preview.width == 64 && preview.height == 64)
    }

    @Test func comparePlaysTheScriptUnderEveryDraftPolicy() throws {
        let scratch = try Scratch()
        let result = try scratch.run([
            "bench", "latency", "--model", scratch.modelFile, "--threads", "1",
            "--actions", "8", "--interval-ms", "10", "--seed", "4", "--compare",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout.split(separator: "\n")
        let table = text.filter { $0.hasPrefix("|") }
        let lines = try objects(text.filter { !$0.hasPrefix("|") }.joined(separator: "\n"))
        try #require(lines.count == 27)
        let drafted = Array(lines[0 ..< 9])
        let whileBusy = Array(lines[9 ..< 18])
        let full = Array(lines[18 ..< 27])
        #expect(
            drafted.allSatisfy { $0["mode"] as? String == "always" }
                && whileBusy.allSatisfy { $0["mode"] as? String == "while-busy" }
                && full.allSatisfy { $0["mode"] as? String == "never" })
        #expect(drafted.dropLast().map { $0["command"] as? String } == full.dropLast().map { $0["command"] as? String })
        #expect(
            whileBusy.dropLast().map { $0["command"] as? String } == full.dropLast().map { $0["command"] as? String })
        let fullSummary = try #require(full.last)
        #expect(fullSummary["draft"] as? String == "none")
        #expect((fullSummary["renders"] as? [String: Any])?["drafts"] as? Int == 0)
        #expect(fullSummary["first_preview_was_draft"] as? Int == 0)
        for action in full.dropLast() where action["first_preview_ms"] != nil {
            #expect(action["first_was_draft"] as? Bool == false)
            #expect(action["first_preview_ms"] as? Double == action["final_preview_ms"] as? Double)
        }
        #expect(table.first == "| figure | drafts (32x32): always | drafts (32x32): while-busy | full size only |")
        #expect(table.contains { $0.hasPrefix("| action to first preview, median | ") })
        #expect(table.contains { $0.hasPrefix("| action to final preview, p95 | ") })
        #expect(table.contains { $0.hasPrefix("| UI thread while rendering, max | ") })
        let limit = try #require(
            table.first { $0.hasPrefix("| UI thread within 20 ms while rendering (the painter's budget) | ") })
        let verdicts = limit.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }.dropFirst()
        #expect(verdicts.count == 3 && verdicts.allSatisfy { $0 == "met" || $0 == "MISSED" })
    }

    @Test func theSameSeedPlaysTheSameScript() throws {
        let scratch = try Scratch()
        let arguments = [
            "bench", "latency", "--model", scratch.modelFile, "--threads", "1", "--actions", "8", "--interval-ms", "5",
        ]
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
        result = try scratch.run(["bench", "latency", "--model", scratch.modelFile, "--drafts", "sometimes"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("'sometimes'"))
    }
}
