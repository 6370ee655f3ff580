import Foundation

/// A safetensors model file as its header (a JSON object) and data bytes, for writing edited or broken copies.
struct ModelBytes {
    var header: [String: Any]
    var data: Data

    init(contentsOf url: URL) throws {
        let bytes = try Data(contentsOf: url)
        let length = Int(bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        header = try JSONSerialization.jsonObject(with: bytes.subdata(in: 8 ..< 8 + length)) as! [String: Any]
        data = bytes.subdata(in: 8 + length ..< bytes.count)
    }

    /// The config JSON under `__metadata__.clade_paint_config`, as an object.
    var config: [String: Any] {
        get {
            let metadata = header["__metadata__"] as! [String: String]
            return try! JSONSerialization.jsonObject(with: Data(metadata["clade_paint_config"]!.utf8)) as! [String: Any]
        }
        set {
            var metadata = header["__metadata__"] as! [String: String]
            metadata["clade_paint_config"] = String(
                decoding: try! JSONSerialization.data(withJSONObject: newValue), as: UTF8.self)
            header["__metadata__"] = metadata
        }
    }

    /// Changes one field (`dtype`, `shape`) of a tensor's header entry.
    mutating func setEntry(_ tensor: String, _ field: String, to value: Any) {
        var entry = header[tensor] as! [String: Any]
        entry[field] = value
        header[tensor] = entry
    }

    func entry(_ tensor: String) -> [String: Any] { header[tensor] as! [String: Any] }

    /// Overwrites element `index` of an F32 tensor.
    mutating func setFloat(_ tensor: String, element index: Int, to value: Float) {
        precondition(entry(tensor)["dtype"] as! String == "F32", "\(tensor) is not F32")
        let start = (entry(tensor)["data_offsets"] as! [Int])[0] + 4 * index
        withUnsafeBytes(of: value.bitPattern.littleEndian) { data.replaceSubrange(start ..< start + 4, with: $0) }
    }

    /// The whole file: 8-byte little-endian header length, header, data.
    var bytes: Data {
        let headerBytes = try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        var length = UInt64(headerBytes.count).littleEndian
        return Data(bytes: &length, count: 8) + headerBytes + data
    }

    func write(to url: URL) throws { try bytes.write(to: url) }
}
