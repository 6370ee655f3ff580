/// Unaligned loads and stores of 8 floats, for the vector loops of the engine (Winograd transforms, CLADE).
extension SIMD8 where Scalar == Float {
    static func load(_ pointer: UnsafePointer<Float>) -> Self {
        UnsafeRawPointer(pointer).loadUnaligned(as: Self.self)
    }

    static func load(_ pointer: UnsafeMutablePointer<Float>) -> Self { load(UnsafePointer(pointer)) }

    /// The 4 floats at `pointer`, each twice: a nearest x2 upsampling of 4 pixels of a row.
    static func doubling(_ pointer: UnsafePointer<Float>) -> Self {
        let four = UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Float>.self)
        var pairs = Self()
        pairs.evenHalf = four
        pairs.oddHalf = four
        return pairs
    }

    func store(at pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: Self.self)
    }
}
