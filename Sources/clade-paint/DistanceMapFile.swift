import CLADE
import Foundation

/// An ICPE distance map precomputed by the official CLADE code (`util/cal_dist_masks.py`): a NumPy `.npy` file of
/// shape `(2, H, W)`, channels `[h, w]`, float32 or float64, at the label file's own size.
enum DistanceMapFile {
    /// Reads `path` as a `[2, H, W]` tensor (float64 values rounded to Float once).
    static func read(_ path: String) throws -> Tensor {
        try InputFile.checkExists(path, kind: "distance map file")
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FileProblem(file: path, problem: "cannot be read (\(error.localizedDescription))")
        }
        let header = try Header(bytes, path: path)
        let values = header.shape.reduce(1, *)
        guard bytes.count - header.dataOffset == values * header.elementSize else {
            throw FileProblem(
                file: path,
                problem: "holds \(bytes.count - header.dataOffset) data bytes; shape \(header.shape) of "
                    + "\(header.elementSize)-byte floats needs \(values * header.elementSize)")
        }
        let data: [Float] = bytes.withUnsafeBytes { raw in
            let start = header.dataOffset
            if header.elementSize == 4 {
                return (0 ..< values).map {
                    Float(
                        bitPattern: UInt32(
                            littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * $0, as: UInt32.self)))
                }
            }
            return (0 ..< values).map {
                Float(
                    Double(
                        bitPattern: UInt64(
                            littleEndian: raw.loadUnaligned(fromByteOffset: start + 8 * $0, as: UInt64.self))))
            }
        }
        if let index = data.firstIndex(where: { !$0.isFinite }) {
            throw FileProblem(
                file: path,
                problem: "value \(index) (channel \(index / (values / 2))) is \(data[index]), not a finite number")
        }
        return Tensor(shape: header.shape, data: data)
    }

    /// The parts of the `.npy` header this reader needs (format versions 1 to 3).
    private struct Header {
        var shape: [Int]
        var elementSize: Int
        var dataOffset: Int

        init(_ bytes: Data, path: String) throws {
            let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
            guard bytes.count >= 10, Array(bytes.prefix(6)) == magic else {
                throw FileProblem(file: path, problem: "not a NumPy .npy file (it does not start with \\x93NUMPY)")
            }
            let major = bytes[bytes.startIndex + 6]
            let lengthSize = major == 1 ? 2 : 4
            guard (1 ... 3).contains(major), bytes.count >= 8 + lengthSize else {
                throw FileProblem(
                    file: path, problem: ".npy format version \(major) is not one this reader knows (1 to 3)")
            }
            let length = (0 ..< lengthSize).reduce(0) { $0 | Int(bytes[bytes.startIndex + 8 + $1]) << (8 * $1) }
            dataOffset = 8 + lengthSize + length
            guard bytes.count >= dataOffset else {
                throw FileProblem(file: path, problem: "the .npy header is cut short")
            }
            let text = String(
                decoding: bytes[(bytes.startIndex + 8 + lengthSize) ..< (bytes.startIndex + dataOffset)], as: UTF8.self)
            func field(_ key: String) -> String? {
                guard let range = text.range(of: "'\(key)':") else { return nil }
                return String(text[range.upperBound...]).trimmingCharacters(in: .whitespaces)
            }
            guard let descr = field("descr"), let fortran = field("fortran_order"), let shapeText = field("shape")
            else {
                throw FileProblem(file: path, problem: "the .npy header lacks descr, fortran_order or shape: \(text)")
            }
            if descr.hasPrefix("'<f4'") {
                elementSize = 4
            } else if descr.hasPrefix("'<f8'") {
                elementSize = 8
            } else {
                throw FileProblem(
                    file: path,
                    problem:
                        "holds \(descr.prefix { $0 != "," }) values; a distance map is little-endian float32 or float64"
                )
            }
            guard fortran.hasPrefix("False") else {
                throw FileProblem(
                    file: path, problem: "is stored in Fortran order; save it in C order (numpy.ascontiguousarray)")
            }
            let inside = shapeText.drop { $0 != "(" }.dropFirst().prefix { $0 != ")" }
            let dims = inside.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }.compactMap { Int($0) }
            guard dims.count == 3, dims[0] == 2, dims[1] > 0, dims[2] > 0 else {
                throw FileProblem(file: path, problem: "has shape (\(inside)); a distance map is (2, height, width)")
            }
            shape = dims
        }
    }
}
