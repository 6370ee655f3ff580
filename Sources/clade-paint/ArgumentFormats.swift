import ArgumentParser
import CLADE
import ImageFiles

// `render --labels coco|ade20k|cityscapes`, `--quantize round|truncate` and `--upsampling vote|smooth` take the
// types' raw values.
extension DataSetLabelFormat: ExpressibleByArgument {}
extension LabelUpsampling.Method: ExpressibleByArgument {}
extension Quantization: ExpressibleByArgument {}
