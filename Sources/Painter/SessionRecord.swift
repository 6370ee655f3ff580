import CLADE
import Foundation
import ImageFiles

/// The JSON saved next to a painting: everything `clade-paint render` needs to draw the same picture again,
/// bit for bit, from the saved mask and instance map (files named relative to the JSON's folder).
///
///     {"format": "clade-paint session", "version": 1, "model": "/abs/Models/landscape.safetensors",
///      "image": "painting-001.png", "mask": "painting-001.mask.png", "instances": "painting-001.instances.png",
///      "width": 256, "height": 256, "grid_width": 32, "grid_height": 32, "icpe": true, "upsampling": "smooth",
///      "style_seed": 42 | "style_preset": "sunset" | "style_code": [z_dim numbers], "style_source": "ref.png"}
///
/// At most one of `style_seed`, `style_preset`, `style_code` is present (none: a model without a style encoder).
/// A file without `upsampling` was saved before the method was recorded and renders with the class vote
/// (`LabelUpsampling.Method.unrecorded`), as it did then.
public struct SessionRecord: Sendable, Equatable, Codable {
    public static let formatName = "clade-paint session"
    public static let currentVersion = 1
    /// The largest picture side a record may give, the engine's (`ModelConfig.largestSide`): checked as the record is
    /// read, before anything tries to allocate the picture.
    public static let maximumSide = ModelConfig.largestSide

    public var format: String
    public var version: Int
    public var model: String
    public var image: String
    public var mask: String
    public var instances: String
    public var width: Int
    public var height: Int
    public var gridWidth: Int
    public var gridHeight: Int
    public var icpe: Bool
    public var styleSeed: UInt64?
    public var stylePreset: String?
    public var styleCode: [Float]?
    public var styleSource: String?
    /// The upsampling the picture was drawn with; nil in files saved before it was recorded.
    public var upsampling: LabelUpsampling.Method?

    enum CodingKeys: String, CodingKey {
        case format, version, model, image, mask, instances, width, height, icpe, upsampling
        case gridWidth = "grid_width"
        case gridHeight = "grid_height"
        case styleSeed = "style_seed"
        case stylePreset = "style_preset"
        case styleCode = "style_code"
        case styleSource = "style_source"
    }

    /// The record of `request` saved as `files`, rendered with the model at `modelPath`.
    public init(request: RenderRequest, modelPath: String, files: SavedFiles) {
        format = Self.formatName
        version = Self.currentVersion
        model = URL(fileURLWithPath: modelPath).standardizedFileURL.path
        image = files.image.lastPathComponent
        mask = files.mask.lastPathComponent
        instances = files.instances.lastPathComponent
        width = request.width
        height = request.height
        gridWidth = request.labels.width
        gridHeight = request.labels.height
        icpe = request.icpe
        upsampling = request.upsampling
        switch request.style {
        case .none: break
        case .seed(let seed): styleSeed = seed
        case .preset(let name): stylePreset = name
        case .code(let code, let source):
            styleCode = code.values
            styleSource = source
        }
    }

    /// The style the record names.
    public var style: StyleSelection {
        if let styleSeed { return .seed(styleSeed) }
        if let stylePreset { return .preset(stylePreset) }
        if let styleCode { return .code(StyleCode(values: styleCode), source: styleSource ?? "the session file") }
        return .none
    }

    /// Reads and checks a session file.
    /// - Throws: `PainterError` naming the file and the problem.
    public static func read(_ url: URL) throws -> SessionRecord {
        let path = url.relativePath
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw PainterError(file: path, "cannot read the session file: \(error.localizedDescription)")
        }
        let record: SessionRecord
        do { record = try JSONDecoder().decode(SessionRecord.self, from: data) } catch {
            let problem = JSONMisfit.describe(error, in: data, decoding: SessionRecord.self) ?? Self.describe(error)
            throw PainterError(file: path, "not a clade-paint session file: \(problem)")
        }
        if let (key, problem) = record.problem { throw PainterError(file: path, place: key.map { .key($0) }, problem) }
        return record
    }

    /// What is wrong with the record's values, if anything: the key at fault, where there is one, and the problem.
    var problem: (key: String?, problem: String)? {
        if format != Self.formatName { return ("format", "is \"\(format)\", expected \"\(Self.formatName)\"") }
        if version != Self.currentVersion {
            return ("version", "is \(version); this clade-paint reads version \(Self.currentVersion)")
        }
        if width < 1 || height < 1 { return (nil, "\"width\" and \"height\" must be positive, got \(width)x\(height)") }
        if width > Self.maximumSide || height > Self.maximumSide {
            return (
                nil,
                "the picture \(width)x\(height) is larger than \(Self.maximumSide)x\(Self.maximumSide) pixels; the file is damaged"
            )
        }
        if gridWidth < 1 || gridHeight < 1 || gridWidth > width || gridHeight > height {
            return (
                nil, "the grid \(gridWidth)x\(gridHeight) must be positive and at most the picture's \(width)x\(height)"
            )
        }
        let styles = [styleSeed != nil, stylePreset != nil, styleCode != nil].filter { $0 }.count
        if styles > 1 { return (nil, "give at most one of \"style_seed\", \"style_preset\" and \"style_code\"") }
        for (key, name) in [("image", image), ("mask", mask), ("instances", instances)]
        where name.isEmpty || name.contains("/") {
            return (key, "is \"\(name)\"; it must be a plain name in the session file's folder")
        }
        return nil
    }

    /// Writes the record as pretty JSON (`AtomicFile`).
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(encoder.encode(self), to: url)
    }

    /// The render request the record stands for: the saved mask and instance map (next to `url`, the record's
    /// file) read with `palette` and checked against `config`.
    public func renderRequest(recordURL url: URL, palette: Palette, config: ModelConfig) throws -> RenderRequest {
        let folder = url.deletingLastPathComponent()
        let maskURL = folder.appendingPathComponent(mask)
        // The size is checked from the header, before a huge mask is decoded.
        let labels = try LabelMapFile.read(maskURL, palette: palette, classCount: config.classCount) { header in
            guard header.width == gridWidth && header.height == gridHeight else {
                throw PainterError(
                    file: maskURL.relativePath,
                    "the mask is \(header.width)x\(header.height); the session \(url.relativePath) says \(gridWidth)x\(gridHeight)"
                )
            }
        }
        let instanceMap = try InstanceMapFile.read(
            folder.appendingPathComponent(instances), matching: labels, labelMapPath: maskURL.relativePath)
        return RenderRequest(
            labels: labels, instances: instanceMap, style: style, icpe: icpe, width: width, height: height,
            upsampling: upsampling ?? .unrecorded)
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "the key \"\(key.stringValue)\" is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\": \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context): context.debugDescription
        default: "\(error)"
        }
    }
}
