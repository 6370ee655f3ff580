import CLADE
import Foundation
import ImageFiles
import Testing

@testable import Painter

@Suite struct CanvasTests {
    @Test func sceneIsSkyOverGround() {
        let canvas = Canvas.scene(width: 32, height: 32, classes: ["sky", "cloud", "grass"])
        #expect(canvas.gridWidth == 32 && canvas.gridHeight == 32)
        #expect(canvas[0, 0] == Cell(label: 0))
        #expect(canvas[31, 19] == Cell(label: 0))
        #expect(canvas[0, 20] == Cell(label: 2))
        #expect(canvas[31, 31] == Cell(label: 2))
    }

    @Test func sceneFindsClassesByNameInAnyCase() {
        let canvas = Canvas.scene(width: 64, height: 32, classes: ["water", "Hill", "SKY"])
        #expect(canvas[63, 0] == Cell(label: 2) && canvas[0, 31] == Cell(label: 1))
    }

    @Test func sceneWithoutKnownNamesIsPlain() {
        let canvas = Canvas.scene(width: 4, height: 4, classes: ["class_0", "class_1"])
        #expect(canvas == Canvas(width: 4, height: 4, fill: Cell(label: 0)))
        let groundOnly = Canvas.scene(width: 4, height: 5, classes: ["wall", "floor"])
        #expect(groundOnly[0, 2] == Cell(label: 0) && groundOnly[0, 3] == Cell(label: 1))
    }

    @Test func mapsAreRowMajor() {
        var canvas = Canvas(width: 3, height: 2, fill: Cell(label: 1))
        canvas[2, 0] = Cell(label: 4, instance: 7)
        canvas[0, 1] = Cell(label: 2)
        #expect(canvas.labels == LabelMap(width: 3, height: 2, classes: [1, 1, 4, 2, 1, 1]))
        #expect(canvas.instances == InstanceMap(width: 3, height: 2, ids: [0, 0, 7, 0, 0, 0]))
        #expect(Canvas(labels: canvas.labels, instances: canvas.instances) == canvas)
        #expect(canvas.largestInstance == 7)
        #expect(canvas.contains(x: 2, y: 1) && !canvas.contains(x: 3, y: 0) && !canvas.contains(x: 0, y: -1))
    }

    @Test func codableRoundTripAndChecksTheCellCount() throws {
        var canvas = Canvas(width: 2, height: 2, fill: Cell(label: 3))
        canvas[1, 1] = Cell(label: 0, instance: 2)
        let data = try JSONEncoder().encode(canvas)
        #expect(try JSONDecoder().decode(Canvas.self, from: data) == canvas)
        let wrong = Data(#"{"gridWidth": 2, "gridHeight": 3, "cells": [{"label": 0, "instance": 0}]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Canvas.self, from: wrong) }
    }

    @Test func readsASavedMaskWithItsInstances() throws {
        let folder = try PainterFixtures.temporaryFolder()
        var canvas = Canvas.scene(width: 6, height: 4, classes: PainterFixtures.landscapeNames)
        canvas[2, 1] = Cell(label: 4, instance: 3)
        let mask = folder.appendingPathComponent("p-001.mask.png")
        try LabelMapFile.write(canvas.labels, palette: PainterFixtures.palette, to: mask)
        #expect(try Canvas.read(mask: mask, palette: PainterFixtures.palette, classCount: 6)[2, 1] == Cell(label: 4))
        try InstanceMapFile.write(canvas.instances, to: folder.appendingPathComponent("p-001.instances.png"))
        #expect(try Canvas.read(mask: mask, palette: PainterFixtures.palette, classCount: 6) == canvas)
        #expect(throws: ImageFileError.self) {
            try Canvas.read(mask: mask, palette: PainterFixtures.palette, classCount: 3)
        }
    }
}
