import Foundation
import ImageFiles

/// The paintings saved lately, newest first, kept in `<state folder>/recent.json` for the painter's open dialog, and
/// the one to offer at the next start when a run ended by saving and quitting.
///
///     {"saves": ["/abs/out/painting-003.json", "/abs/out/painting-002.json"], "resume": "/abs/out/painting-003.json"}
///
/// A missing or unreadable file counts as no saves: the list is a convenience, and every save is in its folder anyway.
public struct RecentSaves: Sendable {
    public let url: URL
    /// The most saves the list keeps.
    public static let limit = 20

    struct Contents: Codable, Equatable {
        var saves: [String] = []
        var resume: String?
    }

    public init(folder: URL) {
        url = folder.appendingPathComponent("recent.json")
    }

    /// The session files saved lately that still exist, newest first.
    public func saves() -> [URL] {
        read().saves.map { URL(fileURLWithPath: $0) }.filter { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The painting to offer at the start: the last save, when the run that made it ended right after it.
    public func resume() -> URL? {
        read().resume.map { URL(fileURLWithPath: $0) }.flatMap {
            FileManager.default.fileExists(atPath: $0.path) ? $0 : nil
        }
    }

    /// Puts `session` (a saved `.json`) first.
    public func add(_ session: URL) throws {
        var contents = read()
        let path = session.standardizedFileURL.path
        contents.saves.removeAll { $0 == path }
        contents.saves.insert(path, at: 0)
        contents.saves = Array(contents.saves.prefix(Self.limit))
        try write(contents)
    }

    /// Sets (or with nil clears) the painting the next start offers.
    public func setResume(_ session: URL?) throws {
        var contents = read()
        contents.resume = session?.standardizedFileURL.path
        try write(contents)
    }

    private func read() -> Contents {
        guard let data = try? Data(contentsOf: url), let contents = try? JSONDecoder().decode(Contents.self, from: data)
        else { return Contents() }
        return contents
    }

    private func write(_ contents: Contents) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(encoder.encode(contents), to: url)
        } catch {
            throw PainterError(file: url.path, "cannot keep the list of recent saves (\(WriteFailure.reason(error)))")
        }
    }
}
