import ArgumentParser
import ImageFiles

// `render --labels coco|ade20k|cityscapes` and `--quantize round|truncate` take the types' raw values.
extension DataSetLabelFormat: ExpressibleByArgument {}
extension Quantization: ExpressibleByArgument {}
