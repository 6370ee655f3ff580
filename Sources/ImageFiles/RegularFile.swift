import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The one check every input file passes before anything opens it: it must exist and be a regular file (or a
/// link to one). Opening a named pipe for reading blocks until a writer comes, and a device yields endless or
/// no bytes, so those are refused from `stat` alone, without opening them.
public enum RegularFile {
    /// Throws unless `path` names a regular file; `kind` says what the file was meant to be ("mask file").
    public static func check(_ path: String, kind: String = "file") throws {
        try check(path, named: path, kind: kind)
    }

    /// The same for a file URL; messages name the file as `url.relativePath`.
    public static func check(_ url: URL, kind: String = "file") throws {
        try check(url.path, named: url.relativePath, kind: kind)
    }

    private static func check(_ path: String, named name: String, kind: String) throws {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let reason = errno
            if reason == ENOENT || reason == ENOTDIR {
                throw ImageFileError(path: name, problem: "no such \(kind)")
            }
            throw ImageFileError(path: name, problem: "cannot read the \(kind): \(String(cString: strerror(reason)))")
        }
        let type = status.st_mode & S_IFMT
        guard type == S_IFREG else {
            throw ImageFileError(
                path: name, problem: "this is \(describe(type)), not a \(kind) (only regular files are read)")
        }
    }

    /// A file type (`st_mode & S_IFMT`) in words, with its article.
    public static func describe(_ type: mode_t) -> String {
        switch type {
        case S_IFREG: "a regular file"
        case S_IFDIR: "a folder"
        case S_IFIFO: "a named pipe (FIFO)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "a special file"
        }
    }
}
