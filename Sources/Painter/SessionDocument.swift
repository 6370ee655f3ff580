import CLADE
import Foundation
import ImageFiles

/// A saved painting opened to paint on again: the session record (`<name>-NNN.json`) with the canvas of its mask and
/// instance map, its style and its ICPE setting.
public struct SessionDocument: Sendable {
    /// The session file, as an absolute path.
    public let url: URL
    public let record: SessionRecord
    public let canvas: Canvas

    /// Reads the session file and the mask and instance map it names, with the model's palette and classes.
    /// - Throws: `PainterError` or `ImageFileError` naming the file and the problem.
    public init(contentsOf url: URL, palette: Palette, config: ModelConfig) throws {
        let url = url.standardizedFileURL
        let record = try SessionRecord.read(url)
        let request = try record.renderRequest(recordURL: url, palette: palette, config: config)
        // A check of the preset name and code length, which the style bank does not change.
        _ = try record.style.styleCode(config: config, bank: nil)
        self.url = url
        self.record = record
        canvas = Canvas(labels: request.labels, instances: request.instances)
    }

    public var style: StyleSelection { record.style }
    public var icpe: Bool { record.icpe }
}
