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

extension PainterState {
    /// Carries on with a saved painting: its canvas (one undo step when the grids match), style, ICPE and upsampling
    /// (the class vote for files that do not record one, so the picture stays the saved one). The painting then counts
    /// as saved.
    /// - Throws: `PainterError` when its picture size differs from this painter's, or it does not fit the model.
    public func open(_ document: SessionDocument) throws {
        let record = document.record
        guard record.width == pictureWidth && record.height == pictureHeight else {
            throw PainterError("\(document.url.path): a \(record.width)x\(record.height) picture; this painter draws "
                + "\(pictureWidth)x\(pictureHeight) (start clade-paint paint --session \(document.url.path) to open it)")
        }
        try restore(AutosaveRecord(savedAt: Date(), model: model.path, width: pictureWidth, height: pictureHeight,
                                   canvas: document.canvas, currentClass: currentClass, style: document.style, icpe: document.icpe,
                                   upsampling: document.record.upsampling ?? .unrecorded))
        isDirty = false
        statusMessage = "opened \(document.url.path)"
    }
}
