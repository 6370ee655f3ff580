import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The bytes of a safetensors file: held in memory, or read from the open file on demand.
///
/// Reading on demand lets a model load tensor by tensor: each tensor's raw bytes are read, widened to F32 and
/// released, so the file's contents never sit in memory beside all of their F32 copies (a memory-mapped F16 file
/// stayed resident while it was converted, and peak memory was the F32 weights plus the whole file).
enum SafeTensorsStorage: Sendable {
    case memory(Data)
    case file(OpenFile)

    /// Length in bytes.
    var count: Int {
        switch self {
        case .memory(let data): data.count
        case .file(let file): file.size
        }
    }

    /// Calls `body` with the bytes in `range` (inside `0 ..< count`).
    func withBytes<T>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        switch self {
        case .memory(let data):
            return try data.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
        case .file(let file):
            return try file.read(range).withUnsafeBytes(body)
        }
    }

    /// A file opened for reading; closed when the last reference goes.
    final class OpenFile: Sendable {
        let descriptor: Int32
        let size: Int

        /// Opens `path`; throws a description of the system's error.
        init(path: String) throws(OpenFileError) {
            // Non-blocking, so a named pipe given as a model is refused by the check below instead of waiting for a writer.
            let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard descriptor >= 0 else { throw OpenFileError(reason: String(cString: strerror(errno))) }
            var status = stat()
            guard fstat(descriptor, &status) == 0 else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw OpenFileError(reason: reason)
            }
            guard status.st_mode & S_IFMT == S_IFREG else {
                close(descriptor)
                throw OpenFileError(reason: "not a regular file")
            }
            self.descriptor = descriptor
            size = Int(status.st_size)
        }

        deinit { close(descriptor) }

        /// The bytes in `range`; throws when the file ends early or the system reports an error.
        func read(_ range: Range<Int>) throws(OpenFileError) -> [UInt8] {
            if range.isEmpty { return [] }
            var failure: OpenFileError?
            let bytes = [UInt8](unsafeUninitializedCapacity: range.count) { buffer, initialized in
                while initialized < range.count {
                    let got = pread(
                        descriptor, buffer.baseAddress! + initialized, range.count - initialized,
                        off_t(range.lowerBound + initialized))
                    if got < 0 && errno == EINTR { continue }
                    guard got > 0 else {
                        failure = OpenFileError(
                            reason: got == 0
                                ? "the file ended at byte \(range.lowerBound + initialized)"
                                : String(cString: strerror(errno)))
                        break
                    }
                    initialized += got
                }
            }
            if let failure { throw failure }
            return bytes
        }
    }

    /// Why a file could not be opened or read, in the system's words.
    struct OpenFileError: Error {
        let reason: String
    }
}
