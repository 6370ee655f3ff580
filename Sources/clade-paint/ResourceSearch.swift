import Foundation

/// Where the files that ship with clade-paint (`Models/`, `Palettes/`) are found: in the folder of a starting
/// point or in any folder above it. A build puts the binary at `<checkout>/.build/<config>/clade-paint`, so
/// walking up from the binary's folder reaches the checkout's `Models/` and `Palettes/` (see Models/README.md);
/// an installed binary (`make install`) at `<prefix>/bin/clade-paint` finds them in `<prefix>/share/clade-paint`.
enum ResourceSearch {
    /// The environment variable that names the default model file, overriding the search.
    static let modelVariable = "CLADE_PAINT_MODEL"
    /// The default model, relative to a folder searched.
    static let defaultModel = "Models/landscape.safetensors"

    /// The folder of the running binary, symbolic links resolved (so a link in `~/bin` leads to the checkout).
    static var executableFolder: URL? {
        Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// Where `make install` puts the shared files for a binary in `folder`: `../share/clade-paint`.
    static func installedShare(binaryFolder folder: URL) -> URL {
        folder.deletingLastPathComponent().appendingPathComponent("share/clade-paint").standardizedFileURL
    }

    /// The binary's folder and the folder of its installed shared files: the starts of the search from the binary.
    static var binaryStarts: [URL] {
        guard let folder = executableFolder else { return [] }
        return [folder, installedShare(binaryFolder: folder)]
    }

    /// `folder` and every folder above it, nearest first.
    static func folders(upFrom folder: URL) -> [URL] {
        var folders: [URL] = []
        var current = folder.standardizedFileURL
        while true {
            folders.append(current)
            let parent = current.deletingLastPathComponent().standardizedFileURL
            if parent.path == current.path { return folders }
            current = parent
        }
    }

    /// The first existing regular file `relativePath` inside `folder` or a folder above it.
    static func find(_ relativePath: String, upFrom folder: URL) -> URL? {
        for candidate in folders(upFrom: folder) {
            let file = candidate.appendingPathComponent(relativePath)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder), !isFolder.boolValue {
                return file
            }
        }
        return nil
    }

    /// The default model: `$CLADE_PAINT_MODEL` when set, else `Models/landscape.safetensors` found upwards from the
    /// binary's folder.
    static func defaultModelPath() throws -> String {
        if let named = ProcessInfo.processInfo.environment[modelVariable], !named.isEmpty {
            return named
        }
        guard let found = binaryStarts.lazy.compactMap({ find(defaultModel, upFrom: $0) }).first else {
            throw FileProblem(
                file: defaultModel,
                problem:
                    "no model given and no default model found (searched upwards from \(executableFolder?.path ?? "the binary's folder") "
                    + "and in \(executableFolder.map { installedShare(binaryFolder: $0).path } ?? "../share/clade-paint"); "
                    + "\(modelVariable) is not set): pass --model FILE, set \(modelVariable), or train and export one as Models/README.md describes"
            )
        }
        return found.path
    }

    /// The palette file `Palettes/<name>.gpl`, found upwards from the model file's folder, then from the binary's.
    static func palette(named name: String, modelPath: String) throws -> URL {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw FileProblem(
                file: modelPath, problem: "the config names palette '\(name)', which is not a plain file name")
        }
        let relative = "Palettes/\(name).gpl"
        let starts = [URL(fileURLWithPath: modelPath).deletingLastPathComponent()] + binaryStarts
        for start in starts {
            if let found = find(relative, upFrom: start) { return found }
        }
        throw FileProblem(
            file: modelPath,
            problem:
                "the model's palette '\(name)' was not found: no \(relative) in the model's folder, the binary's folder "
                + "or any folder above them; pass --palette FILE.gpl")
    }
}
