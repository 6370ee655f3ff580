/// A style code: the latent vector z (length `zDim`) that the generator's `fc` layer turns into the head feature map.
public struct StyleCode: Sendable, Equatable, Codable {
    public var values: [Float]

    public init(values: [Float]) { self.values = values }
}
