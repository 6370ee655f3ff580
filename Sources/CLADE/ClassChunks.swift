/// The label map `[H, W]` cut into chunks of 8 pixels along each row, with the class of every chunk that lies
/// inside one class region: painted regions are large, so most chunks are whole and a norm can modulate them as
/// vectors with one class bank value broadcast.
///
/// - classes: `[H, W / 8]`, the chunk's class, or -1 where the class changes inside the chunk. The pixels past the
///   last whole chunk of a row (`W % 8`) have no chunk.
struct ClassChunks: Sendable {
    static let size = 8
    let chunksPerRow: Int
    let classes: [Int32]

    init(classes labels: [Int32], height: Int, width: Int) {
        let chunksPerRow = width / Self.size
        self.chunksPerRow = chunksPerRow
        classes = labels.withUnsafeBufferPointer { labels in
            (0 ..< height * chunksPerRow).map { index in
                let start = (index / chunksPerRow) * width + (index % chunksPerRow) * Self.size
                let k = labels[start]
                return labels[start + 1 ..< start + Self.size].allSatisfy { $0 == k } ? k : -1
            }
        }
    }
}
