/// The styles tried so far, oldest first, with a position that moves back and forward like a browser's.
///
/// Choosing a new style while back in the history drops the styles after the current one.
public struct StyleHistory: Sendable, Equatable {
    public private(set) var entries: [StyleSelection]
    public private(set) var position: Int

    public init(_ first: StyleSelection) {
        entries = [first]
        position = 0
    }

    public var current: StyleSelection { entries[position] }
    public var canGoBack: Bool { position > 0 }
    public var canGoForward: Bool { position + 1 < entries.count }

    /// Makes `style` the current entry, after the current one.
    public mutating func push(_ style: StyleSelection) {
        entries.removeSubrange((position + 1)...)
        entries.append(style)
        position = entries.count - 1
    }

    /// Steps back; false (and no change) at the oldest entry.
    @discardableResult
    public mutating func back() -> Bool {
        guard canGoBack else { return false }
        position -= 1
        return true
    }

    /// Steps forward; false (and no change) at the newest entry.
    @discardableResult
    public mutating func forward() -> Bool {
        guard canGoForward else { return false }
        position += 1
        return true
    }
}
