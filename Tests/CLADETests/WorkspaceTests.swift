import Testing

@testable import CLADE

@Suite("Workspace")
struct WorkspaceTests {
    @Test("grows to the largest request and then keeps its buffer")
    func reuse() {
        let workspace = Workspace()
        let big = workspace.buffer(count: 1000)
        big[999] = 4
        #expect(workspace.buffer(count: 10) == big)
        #expect(workspace.buffer(count: 1000)[999] == 4)
        let bigger = workspace.buffer(count: 5000)
        bigger[4999] = 1
        #expect(workspace.buffer(count: 5000) == bigger)
    }
}
