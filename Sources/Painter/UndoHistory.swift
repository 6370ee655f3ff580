/// Undo and redo of canvas states: each user action records the canvas as it was before it.
///
/// Whole canvases are kept (a 32x32 grid is 8 KiB), which makes every step exact and independent of the tool.
/// The oldest steps are dropped beyond `limit`.
public struct UndoHistory: Sendable, Equatable {
    public let limit: Int
    private var undoStack: [Canvas] = []
    private var redoStack: [Canvas] = []

    public init(limit: Int = 200) {
        precondition(limit >= 1, "an undo history keeps at least one step")
        self.limit = limit
    }

    public var undoCount: Int { undoStack.count }
    public var redoCount: Int { redoStack.count }

    /// Records `before`, the canvas before an action that changed it; the redo steps are dropped.
    public mutating func record(before: Canvas) {
        undoStack.append(before)
        if undoStack.count > limit { undoStack.removeFirst(undoStack.count - limit) }
        redoStack.removeAll()
    }

    /// The canvas to go back to from `current`, or nil when there is nothing to undo.
    public mutating func undo(from current: Canvas) -> Canvas? {
        guard let previous = undoStack.popLast() else { return nil }
        redoStack.append(current)
        return previous
    }

    /// The canvas to go forward to from `current`, or nil when there is nothing to redo.
    public mutating func redo(from current: Canvas) -> Canvas? {
        guard let next = redoStack.popLast() else { return nil }
        undoStack.append(current)
        return next
    }
}
