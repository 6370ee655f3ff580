import Foundation

/// A style code: the latent vector z (length `zDim`) that the generator's `fc` layer turns into the head feature map.
public struct StyleCode: Sendable, Equatable, Codable {
    public var values: [Float]

    public init(values: [Float]) { self.values = values }

    /// `count` values of z ~ N(0, I) from `seed` (docs/conditioning.md section 5): SplitMix64 uniforms paired by
    /// Box-Muller in double, `u1 = 1 - a`, `r = sqrt(-2 ln u1)`, `z0 = r cos(2 pi b)`, `z1 = r sin(2 pi b)`,
    /// rounded to float in the order z0, z1, z0', z1' ...
    public static func random(seed: UInt64, count: Int) -> StyleCode {
        var generator = SplitMix64(seed: seed)
        var values: [Float] = []
        values.reserveCapacity(count + 1)
        while values.count < count {
            let a = generator.nextUniform()
            let b = generator.nextUniform()
            let r = (-2 * Foundation.log(1 - a)).squareRoot()
            values.append(Float(r * Foundation.cos(2 * Double.pi * b)))
            values.append(Float(r * Foundation.sin(2 * Double.pi * b)))
        }
        return StyleCode(values: Array(values.prefix(count)))
    }
}
