import CLADE
import Foundation
import Painter
import TestSupport

/// The shared test fixtures, and painter models made of them.
typealias PainterFixtures = TestFixtures

extension TestFixtures {
    static func model(_ name: String = styled, classNames: [String] = landscapeNames, presets: [String: [Float]] = [:])
        throws -> PaintModel
    {
        try PaintModel(
            file: modelFile(name, classNames: classNames, presets: presets), path: modelURL(name).path, palette: palette
        )
    }
}
