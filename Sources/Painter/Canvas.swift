import CLADE
import Foundation
import ImageFiles

/// The painted grid: one `Cell` per grid position, row-major `[gridHeight, gridWidth]`.
///
/// The grid is coarser than the picture (e.g. 32x32 cells for 256x256 pixels); rendering upsamples it with
/// smooth class boundaries (`LabelUpsampling`).
public struct Canvas: Sendable, Equatable, Codable {
    public let gridWidth: Int
    public let gridHeight: Int
    /// Row-major cells, `cells[y * gridWidth + x]`.
    public private(set) var cells: [Cell]

    /// A canvas of `width x height` cells, all `fill`.
    public init(width: Int, height: Int, fill: Cell) {
        precondition(width > 0 && height > 0, "a canvas has at least one cell, got \(width)x\(height)")
        gridWidth = width
        gridHeight = height
        cells = Array(repeating: fill, count: width * height)
    }

    /// The canvas of a label map and its instance map (same size), e.g. a saved mask.
    public init(labels: LabelMap, instances: InstanceMap) {
        labels.requireSize(of: instances)
        gridWidth = labels.width
        gridHeight = labels.height
        cells = zip(labels.classes, instances.ids).map { Cell(label: $0, instance: $1) }
    }

    /// Opens a saved mask (any size up to the picture's) and its instance map: `instances`, else the file
    /// `<stem>.instances.png` next to a mask named `<stem>.mask.png` when it exists, else instance 0 everywhere.
    /// `check` sees the mask's header before it is decoded (`LabelMapFile.read`).
    public static func read(
        mask: URL, instances: URL? = nil, palette: Palette, classCount: Int,
        checkingHeader check: (PNGHeader) throws -> Void = { _ in }
    ) throws -> Canvas {
        let labels = try LabelMapFile.read(mask, palette: palette, classCount: classCount, checkingHeader: check)
        var instancesURL = instances
        let name = mask.lastPathComponent
        if instancesURL == nil, name.hasSuffix(".mask.png") {
            let sibling = mask.deletingLastPathComponent().appendingPathComponent(
                String(name.dropLast(".mask.png".count)) + ".instances.png")
            if FileManager.default.fileExists(atPath: sibling.path) { instancesURL = sibling }
        }
        let ids =
            try instancesURL.map { try InstanceMapFile.read($0, matching: labels, labelMapPath: mask.relativePath) }
            ?? InstanceMap(zerosWidth: labels.width, height: labels.height)
        return Canvas(labels: labels, instances: ids)
    }

    public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < gridWidth && y < gridHeight }

    public subscript(x: Int, y: Int) -> Cell {
        get {
            precondition(contains(x: x, y: y), "cell (\(x), \(y)) is outside the \(gridWidth)x\(gridHeight) canvas")
            return cells[y * gridWidth + x]
        }
        set {
            precondition(contains(x: x, y: y), "cell (\(x), \(y)) is outside the \(gridWidth)x\(gridHeight) canvas")
            cells[y * gridWidth + x] = newValue
        }
    }

    /// Class ids `[gridHeight, gridWidth]`.
    public var labels: LabelMap { LabelMap(width: gridWidth, height: gridHeight, classes: cells.map(\.label)) }
    /// Instance ids `[gridHeight, gridWidth]`.
    public var instances: InstanceMap { InstanceMap(width: gridWidth, height: gridHeight, ids: cells.map(\.instance)) }

    enum CodingKeys: String, CodingKey { case gridWidth, gridHeight, cells }

    /// Decodes a canvas and checks that the cells fill the grid exactly.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        gridWidth = try container.decode(Int.self, forKey: .gridWidth)
        gridHeight = try container.decode(Int.self, forKey: .gridHeight)
        cells = try container.decode([Cell].self, forKey: .cells)
        // The product is checked for overflow: a hostile file must not trap the reader.
        let (cellCount, overflow) = gridWidth.multipliedReportingOverflow(by: gridHeight)
        guard gridWidth > 0, gridHeight > 0, !overflow, cells.count == cellCount else {
            throw DecodingError.dataCorruptedError(
                forKey: .cells, in: container,
                debugDescription: "\(cells.count) cells do not fill a \(gridWidth)x\(gridHeight) grid")
        }
    }

    /// The largest instance id in use (0 when none).
    public var largestInstance: Int32 { cells.lazy.map(\.instance).max() ?? 0 }

    /// Class names the starting scene looks for, best first: the sky on top, the ground below.
    static let skyNames = ["sky"]
    static let groundNames = ["grass", "ground", "field", "hill", "sand", "dirt", "road", "floor"]

    /// The starting scene for a model with classes `classes`: sky over ground, the horizon at 60 % of the height
    /// from the top. Without a sky class the upper part is class 0; without a ground class the lower part is the
    /// upper part's class (a plain canvas).
    public static func scene(width: Int, height: Int, classes: [String]) -> Canvas {
        func find(_ names: [String]) -> Int32? {
            let lowered = classes.map { $0.lowercased() }
            return names.lazy.compactMap { name in lowered.firstIndex(of: name).map(Int32.init) }.first
        }
        let sky = find(skyNames) ?? 0
        let ground = find(groundNames) ?? sky
        var canvas = Canvas(width: width, height: height, fill: Cell(label: sky))
        for y in horizon(height: height) ..< height {
            for x in 0 ..< width { canvas[x, y] = Cell(label: ground) }
        }
        return canvas
    }

    /// The first row of ground in a scene of `height` rows.
    static func horizon(height: Int) -> Int { (height * 3 + 4) / 5 }
}
