import Foundation
import ImageFiles

/// The words for a failed file write, without the file's name (the caller names it): the system's reason
/// ("No space left on device") rather than Foundation's sentence or an error's type and number.
enum WriteFailure {
    static func reason(_ error: Error) -> String {
        switch error {
        case let error as ImageFileError: error.problem
        case let error as CocoaError:
            if let underlying = error.underlying.map({ $0 as NSError }), underlying.domain == NSPOSIXErrorDomain {
                String(cString: strerror(Int32(underlying.code)))
            } else {
                error.localizedDescription
            }
        default: error.localizedDescription
        }
    }
}
