import CLADE
import Foundation
import FuzzSupport
import Painter

/// The autosave reader and the painter's restore of what it read: a restored painting must keep working (paint
/// with the restored class, build the generator's input, undo).
FuzzSupport.run { data, count in
    let url = FuzzSupport.file("autosave.json", data, count)
    guard let record = try? AutosaveRecord.read(url) else { return 0 }
    let state = PainterState(model: FuzzSupport.model, width: 64, height: 64, seedSource: { 7 })
    guard (try? PaintDocument(state).restore(record)) != nil else { return 0 }
    state.selectTool(.brush)
    state.press()
    state.release()
    state.selectTool(.fill)
    state.setCursor(x: 0, y: 0)
    state.press()
    state.selectTool(.eyedropper)
    state.press()
    _ = try! state.model.generatorInput(for: state.renderRequest)
    state.undo()
    return 0
}
