import Foundation
import Painter

/// The figures of one `bench latency` session under one draft policy (the last JSON object of the session).
struct LatencySummary: Codable {
    /// Median, 95th percentile (nearest rank), max and count; zeros for no values.
    struct Statistics: Codable {
        var count = 0, median = 0.0, p95 = 0.0, max = 0.0

        init(_ values: [Double]) {
            guard !values.isEmpty else { return }
            let sorted = values.sorted()
            count = values.count
            median = Bench.median(values)
            p95 = sorted[Int((0.95 * Double(sorted.count)).rounded(.up)) - 1]
            max = sorted.last!
        }
    }

    /// The 1, 5 and 15 minute load averages at the session's start and end.
    struct LoadAverage: Codable {
        var start: [Double], end: [Double]
    }

    var summary = "latency"
    let mode: String, model: String, threads: Int, seed: UInt64, actions: Int, intervalMs: Double
    /// Sizes as `WxH`; `draft` is "none" under the `never` policy.
    let picture: String, draft: String, grid: String
    let actionToFirstPreviewMs: Statistics, actionToFinalPreviewMs: Statistics
    let firstPreviewWasDraft: Int, superseded: Int
    let uiMsWhileRendering: Statistics, uiMsAll: Statistics
    let uiLimitMs: Double, uiWithinLimit: Bool
    let draftRenderMs: Statistics, finalRenderMs: Statistics, firstRenderMs: Double
    let renders: RenderCounts
    let loadAverage: LoadAverage
    /// Where the preview PNG was kept (only when asked to keep it).
    let preview: String?

    /// The 1, 5 and 15 minute load averages of `/proc/loadavg` (empty where it cannot be read).
    static func loadAverage() -> [Double] {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }

    /// A Markdown table of the summaries' main figures, one column per mode.
    static func comparison(_ summaries: [LatencySummary]) -> [String] {
        func row(_ name: String, _ cell: (LatencySummary) -> String) -> String {
            "| \(name) | " + summaries.map(cell).joined(separator: " | ") + " |"
        }
        func figure(_ statistics: Statistics, _ value: Double) -> String {
            statistics.count == 0
                ? "-" : value < 10 ? String(format: "%.3f ms", value) : String(format: "%.0f ms", value)
        }
        let modes = summaries.map {
            $0.mode == DraftPolicy.never.rawValue ? "full size only" : "drafts (\($0.draft)): \($0.mode)"
        }
        var lines = [
            "| figure | " + modes.joined(separator: " | ") + " |", "|---|" + modes.map { _ in "---|" }.joined(),
        ]
        let figures: [(String, KeyPath<LatencySummary, Statistics>, KeyPath<Statistics, Double>)] = [
            ("action to first preview, median", \.actionToFirstPreviewMs, \.median),
            ("action to first preview, p95", \.actionToFirstPreviewMs, \.p95),
            ("action to first preview, max", \.actionToFirstPreviewMs, \.max),
            ("action to final preview, median", \.actionToFinalPreviewMs, \.median),
            ("action to final preview, p95", \.actionToFinalPreviewMs, \.p95),
            ("action to final preview, max", \.actionToFinalPreviewMs, \.max),
            ("UI thread while rendering, median", \.uiMsWhileRendering, \.median),
            ("UI thread while rendering, max", \.uiMsWhileRendering, \.max),
            ("draft render, median", \.draftRenderMs, \.median),
            ("final render, median", \.finalRenderMs, \.median),
        ]
        for (name, statistics, value) in figures {
            lines.append(row(name) { figure($0[keyPath: statistics], $0[keyPath: statistics][keyPath: value]) })
        }
        lines.append(
            row("UI thread within \(Int(Bench.LatencyTiming.uiLimitMs)) ms while rendering (the painter's budget)") {
                $0.uiWithinLimit ? "met" : "MISSED"
            })
        lines.append(
            row("renders: final / drafts / abandoned") {
                "\($0.renders.rendered) / \($0.renders.drafts) / \($0.renders.abandoned)"
            })
        func load(_ values: [Double]) -> String { values.first.map { String(format: "%.2f", $0) } ?? "-" }
        lines.append(
            row("load average, start -> end") { "\(load($0.loadAverage.start)) -> \(load($0.loadAverage.end))" })
        return lines
    }
}
