import Foundation

#if _endian(big)
    #error("safetensors data is little-endian; this reader copies it as is")
#endif

/// Element types of the safetensors format.
///
/// All standard types are known so that the file's layout can be checked and a tensor of an unreadable type
/// can be named in an error; `isReadable` says which ones this reader decodes.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    case f64 = "F64"
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case i64 = "I64"
    case i32 = "I32"
    case i16 = "I16"
    case i8 = "I8"
    case u64 = "U64"
    case u32 = "U32"
    case u16 = "U16"
    case u8 = "U8"
    case bool = "BOOL"
    case f8e4m3 = "F8_E4M3"
    case f8e5m2 = "F8_E5M2"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64: 8
        case .f32, .i32, .u32: 4
        case .f16, .bf16, .i16, .u16: 2
        case .i8, .u8, .bool, .f8e4m3, .f8e5m2: 1
        }
    }

    /// Floating-point types that widen to F32 without loss.
    public var isFloat: Bool { self == .f32 || self == .f16 || self == .bf16 }
    /// Integer types read as `Int64` (label maps and other fixture data).
    public var isInteger: Bool { self == .i32 || self == .i64 || self == .u8 }
}

/// A problem with a safetensors file: the file's name and what is wrong, in words.
public struct SafeTensorsError: Error, Equatable, CustomStringConvertible, LocalizedError {
    public let file: String
    public let problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
    public var errorDescription: String? { description }
}

/// A safetensors file, checked against every rule of the format when it is opened.
///
/// Layout: bytes 0..<8 hold the header length N (u64, little-endian); N bytes of UTF-8 JSON map tensor names to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` plus an optional `__metadata__` object of strings; the data
/// buffer follows. Offsets are relative to the data buffer, end exclusive; tensors are row-major and little-endian.
///
/// Rules enforced: header length at most 100 MB and inside the file, valid JSON, no duplicate names, every tensor's
/// byte size equal to its element count times its dtype size, offsets inside the data buffer, and the tensors
/// covering the buffer exactly (no overlaps, no holes, no trailing bytes).
public struct SafeTensorsFile: Sendable {
    /// One tensor's header entry. `byteRange` is relative to the start of the data buffer.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let dtype: SafeTensorsDType
        public let shape: [Int]
        public let byteRange: Range<Int>

        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The largest header the format allows.
    public static let maximumHeaderLength = 100_000_000

    /// The file's name, used in every error message.
    public let fileName: String
    /// The `__metadata__` strings (empty when the header has none).
    public let metadata: [String: String]
    /// The tensors in header order.
    public let entries: [Entry]
    private let index: [String: Int]
    private let bytes: SafeTensorsStorage
    private let dataStart: Int

    /// Opens and checks the file at `url`; tensors are read from the file when asked for, one at a time.
    /// Errors name the file by its last path component.
    public init(contentsOf url: URL) throws {
        let name = url.lastPathComponent
        let file: SafeTensorsStorage.OpenFile
        do {
            file = try SafeTensorsStorage.OpenFile(path: url.path)
        } catch {
            throw SafeTensorsError(file: name, problem: "cannot read the file (\(error.reason))")
        }
        try self.init(storage: .file(file), fileName: name)
    }

    /// Checks `bytes` as a safetensors file called `fileName` (the name is only used in messages).
    public init(bytes: Data, fileName: String) throws {
        try self.init(storage: .memory(bytes), fileName: fileName)
    }

    private init(storage bytes: SafeTensorsStorage, fileName: String) throws {
        func fail(_ problem: String) -> SafeTensorsError { SafeTensorsError(file: fileName, problem: problem) }
        func read(_ range: Range<Int>) throws -> [UInt8] {
            do {
                return try bytes.withBytes(range) { [UInt8]($0) }
            } catch let error as SafeTensorsStorage.OpenFileError {
                throw fail("cannot read bytes \(range.lowerBound)..<\(range.upperBound) (\(error.reason))")
            }
        }

        guard bytes.count >= 8 else {
            throw fail("the file is \(bytes.count) bytes long, too short for the 8-byte header length")
        }
        let headerLength = try read(0 ..< 8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(Self.maximumHeaderLength) else {
            throw fail("header length \(headerLength) exceeds the format's limit of \(Self.maximumHeaderLength) bytes")
        }
        guard 8 + Int(headerLength) <= bytes.count else {
            throw fail(
                "header length \(headerLength) runs past the end of the file (\(bytes.count) bytes): the file is truncated or not safetensors"
            )
        }
        let dataStart = 8 + Int(headerLength)
        let dataLength = bytes.count - dataStart
        let headerBytes = try read(8 ..< dataStart)

        let header: HeaderJSON
        do {
            header = try HeaderJSON.parse(headerBytes)
        } catch {
            throw fail("the header is not valid JSON: \(error.message) at byte \(8 + error.offset)")
        }
        guard case .object(let members) = header else { throw fail("the header is not a JSON object") }

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (name, value) in members {
            if name == "__metadata__" {
                guard case .object(let pairs) = value else { throw fail("__metadata__ is not an object of strings") }
                for (key, item) in pairs {
                    guard case .string(let text) = item else {
                        throw fail("__metadata__ entry '\(key)' is not a string")
                    }
                    metadata[key] = text
                }
                continue
            }
            entries.append(try Self.entry(name: name, value: value, dataLength: dataLength, fail: fail))
        }
        try Self.checkCoverage(entries, dataLength: dataLength, fail: fail)

        self.fileName = fileName
        self.metadata = metadata
        self.entries = entries
        self.index = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) })
        self.bytes = bytes
        self.dataStart = dataStart
    }

    /// Parses and checks one tensor's header entry on its own.
    private static func entry(
        name: String, value: HeaderJSON, dataLength: Int, fail: (String) -> SafeTensorsError
    ) throws -> Entry {
        guard case .object(let fields) = value else { throw fail("tensor '\(name)': header entry is not an object") }
        func field(_ key: String) throws -> HeaderJSON {
            guard let found = fields.first(where: { $0.key == key }) else {
                throw fail("tensor '\(name)': no \"\(key)\" in its header entry")
            }
            return found.value
        }
        guard case .string(let dtypeName) = try field("dtype") else {
            throw fail("tensor '\(name)': dtype is not a string")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw fail("tensor '\(name)': unknown dtype '\(dtypeName)'")
        }
        guard case .array(let dims) = try field("shape") else { throw fail("tensor '\(name)': shape is not an array") }
        let shape = try dims.map { dim in
            guard let size = dim.nonNegativeInt else {
                throw fail(
                    "tensor '\(name)': shape [\(dims.map(Self.text).joined(separator: ", "))] has an entry that is not a non-negative integer"
                )
            }
            return size
        }
        guard case .array(let offsets) = try field("data_offsets"), offsets.count == 2,
            let begin = offsets[0].nonNegativeInt, let end = offsets[1].nonNegativeInt
        else { throw fail("tensor '\(name)': data_offsets is not a pair of non-negative integers") }
        guard begin <= end else { throw fail("tensor '\(name)': data_offsets [\(begin), \(end)] run backwards") }
        guard end <= dataLength else {
            throw fail("tensor '\(name)' ends at byte \(end) beyond the data (\(dataLength) bytes)")
        }
        var byteCount = dtype.byteSize
        for size in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: size)
            guard !overflow else { throw fail("tensor '\(name)': shape \(shape) is too large") }
            byteCount = product
        }
        guard byteCount == end - begin else {
            throw fail(
                "tensor '\(name)': shape \(shape) of \(dtype.rawValue) needs \(byteCount) bytes but data_offsets [\(begin), \(end)] hold \(end - begin)"
            )
        }
        return Entry(name: name, dtype: dtype, shape: shape, byteRange: begin ..< end)
    }

    /// Checks that the tensors tile the data buffer: sorted by offset, each starts where the previous one ended.
    /// Overlaps are looked for first, as they are the more specific problem (moving a tensor also leaves a hole).
    private static func checkCoverage(_ entries: [Entry], dataLength: Int, fail: (String) -> SafeTensorsError) throws {
        let sorted = entries.sorted {
            ($0.byteRange.lowerBound, $0.byteRange.upperBound) < ($1.byteRange.lowerBound, $1.byteRange.upperBound)
        }
        for (previous, entry) in zip(sorted, sorted.dropFirst())
        where entry.byteRange.lowerBound < previous.byteRange.upperBound {
            throw fail(
                "tensor '\(entry.name)' (bytes \(entry.byteRange.lowerBound)..<\(entry.byteRange.upperBound)) overlaps tensor '\(previous.name)' (bytes \(previous.byteRange.lowerBound)..<\(previous.byteRange.upperBound))"
            )
        }
        var covered = 0
        for entry in sorted {
            if entry.byteRange.lowerBound > covered {
                throw fail(
                    "bytes \(covered)..<\(entry.byteRange.lowerBound) of the data belong to no tensor (a hole before '\(entry.name)')"
                )
            }
            covered = entry.byteRange.upperBound
        }
        if covered != dataLength {
            throw fail("bytes \(covered)..<\(dataLength) of the data belong to no tensor (trailing bytes or a hole)")
        }
    }

    private static func text(_ value: HeaderJSON) -> String {
        switch value {
        case .number(let literal): literal
        case .string(let string): "\"\(string)\""
        default: "\(value)"
        }
    }

    /// The header entry of the tensor called `name`, if there is one.
    public func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    /// All tensor names in header order.
    public var names: [String] { entries.map(\.name) }

    private func requireEntry(_ name: String) throws -> Entry {
        guard let entry = entry(name) else {
            throw SafeTensorsError(file: fileName, problem: "no tensor named '\(name)'")
        }
        return entry
    }

    /// The tensor called `name` as F32 (F16 and BF16 are widened exactly).
    public func floatTensor(_ name: String) throws -> Tensor {
        let entry = try requireEntry(name)
        guard entry.dtype.isFloat else {
            throw SafeTensorsError(
                file: fileName, problem: "tensor '\(name)' has dtype \(entry.dtype.rawValue), expected F32, F16 or BF16"
            )
        }
        var values = [Float](repeating: 0, count: entry.elementCount)
        try withData(of: entry) { source in
            values.withUnsafeMutableBufferPointer { target in
                switch entry.dtype {
                case .f32:
                    UnsafeMutableRawBufferPointer(target).copyMemory(from: source)
                case .f16:
                    for i in target.indices {
                        target[i] = Self.float(halfBits: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    }
                default:
                    for i in target.indices {
                        target[i] = Float(
                            bitPattern: UInt32(source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
                    }
                }
            }
        }
        return Tensor(shape: entry.shape, data: values)
    }

    /// The tensor called `name`, of dtype I32, I64 or U8, as `Int64` values in row-major order.
    public func integerTensor(_ name: String) throws -> (shape: [Int], values: [Int64]) {
        let entry = try requireEntry(name)
        guard entry.dtype.isInteger else {
            throw SafeTensorsError(
                file: fileName, problem: "tensor '\(name)' has dtype \(entry.dtype.rawValue), expected I32, I64 or U8")
        }
        let values: [Int64] = try withData(of: entry) { raw in
            (0 ..< entry.elementCount).map { i in
                switch entry.dtype {
                case .i64: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)
                case .i32: Int64(raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))
                default: Int64(raw[i])
                }
            }
        }
        return (entry.shape, values)
    }

    /// Calls `body` with the raw bytes of `entry`'s data.
    private func withData<T>(of entry: Entry, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let range = dataStart + entry.byteRange.lowerBound ..< dataStart + entry.byteRange.upperBound
        do {
            return try bytes.withBytes(range, body)
        } catch let error as SafeTensorsStorage.OpenFileError {
            throw SafeTensorsError(
                file: fileName,
                problem:
                    "tensor '\(entry.name)': cannot read bytes \(range.lowerBound)..<\(range.upperBound) (\(error.reason))"
            )
        }
    }

    /// IEEE binary16 -> binary32, exact for every input: subnormals are scaled, infinities and NaN payloads kept.
    public static func float(halfBits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            // Subnormal (or zero): mantissa * 2^-24, exact in binary32.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }
}
