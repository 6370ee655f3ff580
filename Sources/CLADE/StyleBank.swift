/// Style codes the model's encoder gave real pictures: the model file's optional `style_bank` tensor `[K, zDim]`
/// (docs/model-format.md). Random styles are drawn from it, so each is a code of a real picture; most of N(0, I),
/// which the encoder's codes do not fill, decodes to murky haze.
public struct StyleBank: Sendable, Equatable {
    /// The tensor's name in a model file.
    public static let tensorName = "style_bank"

    /// `[K, zDim]`, K >= 1.
    public let codes: Tensor

    /// - Precondition: `codes` is `[K, zDim]` with K >= 1 (`ModelFile` checks the file's tensor first).
    public init(codes: Tensor) {
        precondition(
            codes.shape.count == 2 && codes.shape[0] >= 1, "a style bank is [K >= 1, z_dim], got \(codes.shape)")
        self.codes = codes
    }

    public var count: Int { codes.shape[0] }
    public var zDim: Int { codes.shape[1] }

    /// The row `seed` picks (docs/conditioning.md section 5): `floor(u * K)` for the first SplitMix64 uniform `u` of
    /// the seed, exact in double, so the Python twin (`Training/clade/style.py` `bank_style`) picks the same row.
    public func index(seed: UInt64) -> Int {
        var generator = SplitMix64(seed: seed)
        return Int(generator.nextUniform() * Double(count))
    }

    /// The code of row `index(seed:)`.
    public func code(seed: UInt64) -> StyleCode {
        let row = index(seed: seed)
        return StyleCode(values: Array(codes.data[row * zDim ..< (row + 1) * zDim]))
    }
}

extension StyleCode {
    /// The random style of `seed` for a model: the row of its style bank that the seed picks, or `count` values of
    /// N(0, I) (`random(seed:count:)`) for a model without a bank.
    public static func random(seed: UInt64, count: Int, bank: StyleBank?) -> StyleCode {
        bank?.code(seed: seed) ?? random(seed: seed, count: count)
    }
}
