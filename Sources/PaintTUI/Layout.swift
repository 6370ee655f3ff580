import Painter

/// How canvas cells map to terminal cells.
public enum CanvasZoom: Sendable, Equatable {
    /// One cell is two columns of one row: square on most terminal fonts (cells are about twice as tall as wide).
    case square
    /// One cell is one column of half a row (two cells per terminal cell, upper-half-block characters): for
    /// terminals too small for `square`.
    case halfBlock
}

/// Where the panels go on a terminal of a given size: the canvas on the left, the preview on the right, the palette
/// beside the preview, under it or under the canvas (whichever leaves the picture the most room), and two status
/// rows at the bottom.
public struct Layout: Sendable, Equatable {
    public let zoom: CanvasZoom
    public let canvasBox: Rect
    public let previewBox: Rect
    /// The preview picture's size in half-block pixels (two per terminal cell, one above the other).
    public let previewPixelWidth: Int
    public let previewPixelHeight: Int
    public let paletteBox: Rect
    /// The first of the two status rows.
    public let statusRow: Int

    public static let statusRows = 2
    static let minimumPreviewInside = (width: 8, height: 4)

    /// What a terminal of `width x height` can show, for a canvas of `gridWidth x gridHeight` cells, a picture of
    /// `pictureWidth x pictureHeight` pixels and a palette panel `paletteWidth` columns wide (borders included)
    /// listing `classCount` classes.
    public enum Fit: Sendable, Equatable {
        case fits(Layout)
        /// The terminal is smaller than the smallest layout, which needs `width x height`.
        case tooSmall(width: Int, height: Int)
    }

    public static func fit(
        width: Int, height: Int, gridWidth: Int, gridHeight: Int, pictureWidth: Int, pictureHeight: Int,
        paletteWidth: Int, classCount: Int
    ) -> Fit {
        let available = height - statusRows
        let minimumPaletteHeight = min(classCount + 2, 5)
        let minimumPreviewBox = (width: minimumPreviewInside.width + 2, height: minimumPreviewInside.height + 2)
        for zoom in [CanvasZoom.square, .halfBlock] {
            let canvasBox = Self.canvasBox(zoom: zoom, gridWidth: gridWidth, gridHeight: gridHeight)
            guard canvasBox.height <= available, canvasBox.width <= width else { continue }
            let right = width - canvasBox.width
            var candidates: [(preview: Rect, palette: Rect)] = []
            if right >= paletteWidth + minimumPreviewBox.width,
                available >= max(minimumPaletteHeight, minimumPreviewBox.height)
            {
                candidates.append(
                    (
                        Rect(x: canvasBox.maxX, y: 0, width: right - paletteWidth, height: available),
                        Rect(x: width - paletteWidth, y: 0, width: paletteWidth, height: min(classCount + 2, available))
                    ))
            }
            // Under the preview, the palette takes only the rows the picture (as wide as the column allows) leaves;
            // a short list scrolls.
            let pictureRows =
                pictureWidth > 0
                ? ((right - 2) * pictureHeight + 2 * pictureWidth - 1) / (2 * pictureWidth) + 2 : available
            let stackedPalette = min(
                classCount + 2, available - minimumPreviewBox.height, max(minimumPaletteHeight, available - pictureRows)
            )
            if right >= max(paletteWidth, minimumPreviewBox.width), stackedPalette >= minimumPaletteHeight {
                candidates.append(
                    (
                        Rect(x: canvasBox.maxX, y: 0, width: right, height: available - stackedPalette),
                        Rect(
                            x: canvasBox.maxX, y: available - stackedPalette, width: paletteWidth,
                            height: stackedPalette)
                    ))
            }
            // The palette under the canvas: the preview then has the whole height on the right.
            let underCanvas = min(classCount + 2, available - canvasBox.height)
            if underCanvas >= minimumPaletteHeight, canvasBox.width >= paletteWidth, right >= minimumPreviewBox.width {
                candidates.append(
                    (
                        Rect(x: canvasBox.maxX, y: 0, width: right, height: available),
                        Rect(x: 0, y: canvasBox.maxY, width: canvasBox.width, height: underCanvas)
                    ))
            }
            let fitted = candidates.map { candidate in
                (
                    candidate,
                    Self.previewPixels(
                        inside: candidate.preview.inset(by: 1), pictureWidth: pictureWidth, pictureHeight: pictureHeight
                    )
                )
            }
            // The arrangement with the larger picture; side by side on a tie.
            guard
                let best = fitted.enumerated().max(by: { a, b in
                    let areaA = a.element.1.width * a.element.1.height
                    let areaB = b.element.1.width * b.element.1.height
                    return areaA != areaB ? areaA < areaB : a.offset > b.offset
                })?.element, best.1.width > 0, best.1.height > 0
            else { continue }
            let pixels = best.1
            // The preview box shrinks around the picture; a palette beside it moves up to it.
            let previewBox = Rect(
                x: best.0.preview.x, y: best.0.preview.y, width: pixels.width + 2, height: (pixels.height + 1) / 2 + 2)
            var paletteBox = best.0.palette
            if paletteBox.y == previewBox.y { paletteBox.x = previewBox.maxX }
            return .fits(
                Layout(
                    zoom: zoom, canvasBox: canvasBox, previewBox: previewBox,
                    previewPixelWidth: pixels.width, previewPixelHeight: pixels.height, paletteBox: paletteBox,
                    statusRow: height - statusRows))
        }
        let smallest = Self.canvasBox(zoom: .halfBlock, gridWidth: gridWidth, gridHeight: gridHeight)
        return .tooSmall(
            width: smallest.width + max(paletteWidth, minimumPreviewBox.width),
            height: max(smallest.height, minimumPreviewBox.height + minimumPaletteHeight) + statusRows)
    }

    /// The canvas grid for a new painting on a terminal of `width x height`: the finer grid (`PainterState.fineCell`
    /// pixels per cell, 64x64 for 256x256) where it fits and leaves the picture as large as the default grid would,
    /// else the default grid (`PainterState.defaultCell`; 160x50 takes the finer grid, 80x24 the default).
    public static func canvasGrid(
        width: Int, height: Int, pictureWidth: Int, pictureHeight: Int, paletteWidth: Int, classCount: Int
    ) -> (width: Int, height: Int) {
        let standard = PainterState.defaultGrid(width: pictureWidth, height: pictureHeight)
        let fine = PainterState.defaultGrid(width: pictureWidth, height: pictureHeight, cell: PainterState.fineCell)
        func pictureArea(_ grid: (width: Int, height: Int)) -> Int? {
            guard
                case .fits(let layout) = fit(
                    width: width, height: height, gridWidth: grid.width, gridHeight: grid.height,
                    pictureWidth: pictureWidth, pictureHeight: pictureHeight,
                    paletteWidth: paletteWidth, classCount: classCount)
            else { return nil }
            return layout.previewPixelWidth * layout.previewPixelHeight
        }
        guard fine != standard, let fineArea = pictureArea(fine) else { return standard }
        return fineArea >= (pictureArea(standard) ?? 0) ? fine : standard
    }

    static func canvasBox(zoom: CanvasZoom, gridWidth: Int, gridHeight: Int) -> Rect {
        switch zoom {
        case .square: Rect(x: 0, y: 0, width: 2 * gridWidth + 2, height: gridHeight + 2)
        case .halfBlock: Rect(x: 0, y: 0, width: gridWidth + 2, height: (gridHeight + 1) / 2 + 2)
        }
    }

    /// The largest picture of the given aspect that fits `inside` in half-block pixels (two per cell vertically).
    static func previewPixels(inside: Rect, pictureWidth: Int, pictureHeight: Int) -> (width: Int, height: Int) {
        guard inside.width >= minimumPreviewInside.width, inside.height >= minimumPreviewInside.height,
            pictureWidth > 0, pictureHeight > 0
        else { return (0, 0) }
        let scale = min(Double(inside.width) / Double(pictureWidth), Double(2 * inside.height) / Double(pictureHeight))
        return (max(1, Int(Double(pictureWidth) * scale)), max(1, Int(Double(pictureHeight) * scale)))
    }

    /// The inside of the canvas box.
    public var canvasArea: Rect { canvasBox.inset(by: 1) }
    /// The inside of the preview box.
    public var previewArea: Rect { previewBox.inset(by: 1) }
    /// The inside of the palette box: one class per row.
    public var paletteArea: Rect { paletteBox.inset(by: 1) }

    /// The canvas cell under the terminal cell `(x, y)`; with `clamped`, the nearest cell also from outside the
    /// canvas (for drags that leave it). In half-block zoom a terminal row holds two cells: the upper one counts.
    public func canvasCell(atX x: Int, y: Int, gridWidth: Int, gridHeight: Int, clamped: Bool = false) -> (
        x: Int, y: Int
    )? {
        let area = canvasArea
        guard clamped || area.contains(x: x, y: y) else { return nil }
        let column = x - area.x
        let row = y - area.y
        let cell: (x: Int, y: Int) = zoom == .square ? (Self.floorDivide(column, 2), row) : (column, 2 * row)
        return (min(max(cell.x, 0), gridWidth - 1), min(max(cell.y, 0), gridHeight - 1))
    }

    /// The first class the palette panel lists when `current` must be visible among `classCount` classes: the
    /// list scrolls only when the panel is shorter than the list, keeping the current class in the middle.
    public func firstListedClass(current: Int, classCount: Int) -> Int {
        let rows = paletteArea.height
        guard classCount > rows, rows > 0 else { return 0 }
        return min(max(current - rows / 2, 0), classCount - rows)
    }

    /// The class listed at terminal cell `(x, y)` of the palette panel.
    public func paletteClass(atX x: Int, y: Int, current: Int, classCount: Int) -> Int? {
        guard paletteArea.contains(x: x, y: y) else { return nil }
        let index = firstListedClass(current: current, classCount: classCount) + y - paletteArea.y
        return index < classCount ? index : nil
    }

    private static func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
}
