import CLADE
import Foundation
import FuzzSupport

/// The safetensors reader (header JSON, layout rules, tensor data) and the model file's config checks on top.
FuzzSupport.run { data, count in
    guard let file = try? SafeTensorsFile(bytes: FuzzSupport.bytes(data, count), fileName: "fuzz.safetensors") else {
        return 0
    }
    for entry in file.entries {
        if entry.dtype.isFloat {
            let tensor = try! file.floatTensor(entry.name)
            FuzzSupport.require(
                tensor.shape == entry.shape,
                "tensor '\(entry.name)' read with shape \(tensor.shape), header says \(entry.shape)")
        } else if entry.dtype.isInteger {
            let values = try! file.integerTensor(entry.name)
            FuzzSupport.require(
                values.values.count == entry.elementCount, "tensor '\(entry.name)' read \(values.values.count) values")
        }
    }
    // An accepted model draws something: no non-finite weight and no negative running variance got through.
    if let model = try? ModelFile(safeTensors: file) {
        for spec in ModelFile.expectedTensors(for: model.config) {
            let values = model[spec.name].data
            FuzzSupport.require(
                values.allSatisfy(\.isFinite), "tensor '\(spec.name)' holds a non-finite value after loading")
            FuzzSupport.require(
                !spec.name.hasSuffix(".running_var") || values.allSatisfy { $0 >= 0 },
                "tensor '\(spec.name)' holds a negative variance after loading")
        }
    }
    return 0
}
