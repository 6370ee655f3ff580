/// Scratch memory that the layers of one forward pass reuse (im2col tiles of the convolutions).
///
/// It grows to the largest request and keeps that size, so a block of the generator allocates its scratch once.
/// Not thread-safe: each worker (or call) owns its own.
public final class Workspace {
    private var storage: UnsafeMutablePointer<Float>
    private var capacity: Int

    public init() {
        capacity = 0
        storage = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    }

    deinit { storage.deallocate() }

    /// A buffer of at least `count` floats, valid until the next call. Contents are unspecified.
    func buffer(count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            storage.deallocate()
            storage = UnsafeMutablePointer<Float>.allocate(capacity: count)
            capacity = count
        }
        return storage
    }
}
