import CLADE
import Foundation
import ImageFiles

/// The painting a `PainterState` edits, as a document: saved as a numbered set of files, opened again from one,
/// restored from an autosave. Used from the painter's thread, like the state.
public struct PaintDocument {
    public let state: PainterState

    public init(_ state: PainterState) {
        self.state = state
    }

    private var model: PaintModel { state.model }

    /// Saves the picture, the mask, the instance map and the session record as the next free `<name>-NNN.*` in
    /// `folder` (`SaveClaim`: the number is claimed first, the JSON written last, a failure leaves nothing). Waits for
    /// the renderer's final, full-size render of the current state (or draws it here, on the caller's thread, when
    /// there is none), so it can take one render's time; a draft is never saved. The autosave is cleared afterwards.
    @discardableResult
    public func save(to folder: URL, name: String = "painting") throws -> SavedFiles {
        state.release()
        let request = state.renderRequest
        // Every change was submitted, so after the worker drains its queue its newest picture normally is the final
        // one of this state (the worker drafts and refines a request in one go); drawing it here is the fallback
        // (no renderer, or its render failed).
        state.renderer?.wait()
        let image: PNGImage
        if let result = state.renderer?.latestResult(), result.request == request, !result.isDraft {
            image = result.image
        } else {
            image = try model.render(request)
        }
        let claim = try SaveClaim.make(in: folder, name: name)
        let files = claim.files
        try claim.write([
            (files.image, { try image.write(to: files.image) }),
            (files.mask, { try LabelMapFile.write(request.labels, palette: model.palette, to: files.mask) }),
            (files.instances, { try InstanceMapFile.write(request.instances, to: files.instances) }),
            (
                files.session,
                { try SessionRecord(request: request, modelPath: model.path, files: files).write(to: files.session) }
            ),
        ])
        state.isDirty = false
        state.autosave?.clear()
        state.statusMessage = "saved \(files.image.path) (+ mask, instances, json)"
        return files
    }

    /// Carries on with an autosaved painting: its canvas (as one undo step), class, style, ICPE and upsampling.
    /// - Throws: `PainterError` when the painting does not fit this model.
    public func restore(_ record: AutosaveRecord) throws {
        let classCount = model.config.classCount
        if let bad = record.canvas.cells.first(where: { $0.label < 0 || Int($0.label) >= classCount }) {
            throw PainterError("the autosaved painting uses class \(bad.label); this model has \(classCount) classes")
        }
        guard record.currentClass >= 0 && Int(record.currentClass) < classCount else {
            throw PainterError(
                "the autosaved painting's current class is \(record.currentClass); this model has \(classCount) classes"
            )
        }
        if case .none = record.style {
        } else if !model.hasStyle {
            throw PainterError("the autosaved painting has a style; \(PaintModel.noStyleMessage)")
        }
        _ = try record.style.styleCode(config: model.config, bank: model.styleBank)
        state.load(record)
        state.statusMessage = "restored the painting autosaved \(record.savedAt)"
    }

    /// Carries on with a saved painting: its canvas (one undo step when the grids match), style, ICPE and upsampling
    /// (the class vote for files that do not record one, so the picture stays the saved one). The painting then counts
    /// as saved.
    /// - Throws: `PainterError` when its picture size differs from this painter's, or it does not fit the model.
    public func open(_ saved: SessionDocument) throws {
        let record = saved.record
        guard record.width == state.pictureWidth && record.height == state.pictureHeight else {
            throw PainterError(
                file: saved.url.path,
                "a \(record.width)x\(record.height) picture; this painter draws "
                    + "\(state.pictureWidth)x\(state.pictureHeight) (start clade-paint paint --session \(saved.url.path) to open it)"
            )
        }
        try restore(
            AutosaveRecord(
                savedAt: Date(), model: model.path, width: state.pictureWidth, height: state.pictureHeight,
                canvas: saved.canvas, currentClass: state.currentClass, style: saved.style, icpe: saved.icpe,
                upsampling: record.upsampling ?? .unrecorded))
        state.isDirty = false
        state.statusMessage = "opened \(saved.url.path)"
    }
}
