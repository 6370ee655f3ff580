/// One grid cell of the canvas: a class id and an instance id.
///
/// An object is the pair (label, instance): two touching regions of one class with different instance ids are
/// two objects (the edge map draws a line between them, ICPE measures each on its own). Instance 0 means "no
/// particular object" (stuff such as sky or grass).
public struct Cell: Sendable, Hashable, Codable {
    public var label: Int32
    public var instance: Int32

    public init(label: Int32, instance: Int32 = 0) {
        self.label = label
        self.instance = instance
    }
}
