import Testing

@testable import PaintTUI

@Suite struct LayoutTests {
    /// The landscape model's panels: 32x32 grid, 256x256 picture, 13 classes, a 19-column palette.
    func landscape(_ width: Int, _ height: Int) -> Layout.Fit {
        Layout.fit(
            width: width, height: height, gridWidth: 32, gridHeight: 32, pictureWidth: 256, pictureHeight: 256,
            paletteWidth: 19, classCount: 13)
    }

    @Test func aLargeTerminalShowsSquareCellsWithThePaletteUnderTheCanvas() throws {
        guard case .fits(let layout) = landscape(160, 50) else {
            Issue.record("160x50 should fit")
            return
        }
        #expect(layout.zoom == .square)
        #expect(layout.canvasBox == Rect(x: 0, y: 0, width: 66, height: 34))
        // The 14 rows under the canvas hold the palette, so the picture has all 94 columns and 48 rows on the right:
        // 92x92 half-block pixels (beside the palette it would be 73x73).
        #expect(layout.paletteBox == Rect(x: 0, y: 34, width: 66, height: 14))
        #expect(layout.previewPixelWidth == 92 && layout.previewPixelHeight == 92)
        #expect(layout.previewBox == Rect(x: 66, y: 0, width: 94, height: 48))
        #expect(layout.statusRow == 48)
    }

    @Test func anEightyByTwentyFourTerminalUsesHalfBlockCells() throws {
        guard case .fits(let layout) = landscape(80, 24) else {
            Issue.record("80x24 should fit")
            return
        }
        #expect(layout.zoom == .halfBlock)
        #expect(layout.canvasBox == Rect(x: 0, y: 0, width: 34, height: 18))
        // The palette under the picture with 3 classes in view (it scrolls): the picture is 30x30 (25x25 beside it).
        #expect(layout.paletteBox == Rect(x: 34, y: 17, width: 19, height: 5))
        #expect(layout.previewPixelWidth == 30 && layout.previewPixelHeight == 30)
        #expect(layout.statusRow == 22)
    }

    @Test func aWideShortTerminalStacksThePaletteUnderThePicture() throws {
        // Not enough columns for the palette beside the picture, enough rows below it.
        guard
            case .fits(let layout) = Layout.fit(
                width: 100, height: 60, gridWidth: 32, gridHeight: 32, pictureWidth: 256,
                pictureHeight: 256, paletteWidth: 19, classCount: 13)
        else {
            Issue.record("100x60 should fit")
            return
        }
        #expect(layout.zoom == .square)
        #expect(layout.paletteBox.x == 66 && layout.paletteBox.y > layout.previewBox.y)
        #expect(layout.previewBox.maxY <= layout.paletteBox.y)
        #expect(layout.previewPixelWidth == 32)
    }

    @Test func panelsNeverOverlapAndStayOnScreen() {
        for width in stride(from: 40, through: 200, by: 7) {
            for height in stride(from: 12, through: 70, by: 5) {
                guard case .fits(let layout) = landscape(width, height) else { continue }
                let boxes = [layout.canvasBox, layout.previewBox, layout.paletteBox]
                for box in boxes {
                    #expect(
                        box.x >= 0 && box.maxX <= width && box.y >= 0 && box.maxY <= layout.statusRow,
                        "\(width)x\(height): \(box)")
                }
                for (i, a) in boxes.enumerated() {
                    for b in boxes[(i + 1)...] {
                        let apart = a.maxX <= b.x || b.maxX <= a.x || a.maxY <= b.y || b.maxY <= a.y
                        #expect(apart, "\(width)x\(height): \(a) overlaps \(b)")
                    }
                }
                #expect(layout.previewArea.width >= layout.previewPixelWidth)
                #expect(layout.previewArea.height * 2 >= layout.previewPixelHeight)
            }
        }
    }

    @Test func tooSmallNamesASizeThatFits() throws {
        guard case .tooSmall(let width, let height) = landscape(50, 15) else {
            Issue.record("50x15 is too small")
            return
        }
        #expect(width == 53 && height == 20)
        guard case .fits = landscape(width, height) else {
            Issue.record("the size named must fit")
            return
        }
        guard case .tooSmall = landscape(width - 1, height) else {
            Issue.record("one column less must not fit")
            return
        }
        guard case .tooSmall = landscape(width, height - 1) else {
            Issue.record("one row less must not fit")
            return
        }
    }

    @Test func terminalCellsMapToCanvasCells() throws {
        guard case .fits(let square) = landscape(160, 50), case .fits(let half) = landscape(80, 24) else {
            Issue.record("both should fit")
            return
        }
        // Square zoom: two columns per cell, inside the border.
        #expect(square.canvasCell(atX: 1, y: 1, gridWidth: 32, gridHeight: 32)! == (0, 0))
        #expect(square.canvasCell(atX: 4, y: 3, gridWidth: 32, gridHeight: 32)! == (1, 2))
        #expect(square.canvasCell(atX: 64, y: 32, gridWidth: 32, gridHeight: 32)! == (31, 31))
        #expect(square.canvasCell(atX: 0, y: 5, gridWidth: 32, gridHeight: 32) == nil)
        #expect(square.canvasCell(atX: 100, y: 5, gridWidth: 32, gridHeight: 32) == nil)
        // A drag leaving the canvas holds on to its edge.
        #expect(square.canvasCell(atX: 100, y: -3, gridWidth: 32, gridHeight: 32, clamped: true)! == (31, 0))
        #expect(square.canvasCell(atX: 0, y: 40, gridWidth: 32, gridHeight: 32, clamped: true)! == (0, 31))
        // Half blocks: one column per cell, two cells per row (the upper one is hit).
        #expect(half.canvasCell(atX: 5, y: 3, gridWidth: 32, gridHeight: 32)! == (4, 4))
    }

    @Test func theClassListScrollsToKeepTheCurrentClassVisible() throws {
        // 80x14: the palette box has room for fewer rows than there are classes.
        guard
            case .fits(let layout) = Layout.fit(
                width: 90, height: 14, gridWidth: 16, gridHeight: 16, pictureWidth: 64,
                pictureHeight: 64, paletteWidth: 19, classCount: 13)
        else {
            Issue.record("should fit")
            return
        }
        let rows = layout.paletteArea.height
        #expect(rows < 13)
        #expect(layout.firstListedClass(current: 0, classCount: 13) == 0)
        #expect(layout.firstListedClass(current: 12, classCount: 13) == 13 - rows)
        let middle = layout.firstListedClass(current: 6, classCount: 13)
        #expect(middle <= 6 && 6 < middle + rows)
        let area = layout.paletteArea
        #expect(layout.paletteClass(atX: area.x, y: area.y, current: 12, classCount: 13) == 13 - rows)
        #expect(layout.paletteClass(atX: area.x - 1, y: area.y, current: 12, classCount: 13) == nil)
    }
}

@Suite struct CanvasGridTests {
    /// The landscape model's numbers: 256x256 pictures, 13 classes, the palette panel as wide as PaintView makes it.
    func grid(_ width: Int, _ height: Int) -> (width: Int, height: Int) {
        Layout.canvasGrid(
            width: width, height: height, pictureWidth: 256, pictureHeight: 256, paletteWidth: 18, classCount: 13)
    }

    @Test func aRoomyTerminalTakesTheFinerGrid() {
        #expect(grid(160, 50) == (64, 64))
    }

    @Test func aSmallTerminalKeepsTheDefaultGrid() {
        // The 64x64 canvas needs 66x34 cells even as half-blocks.
        #expect(grid(80, 24) == (32, 32))
        #expect(grid(100, 30) == (32, 32))
    }
}
