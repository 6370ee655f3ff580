import Testing

@testable import PaintTUI

@Suite struct DialogTests {
    @Test func tildeMeansHomeInTypedPaths() {
        #expect(TextPrompt(title: "", text: " ~/a/b.png ").url(home: "/home/me").path == "/home/me/a/b.png")
        #expect(TextPrompt(title: "", text: "~").url(home: "/home/me").path == "/home/me")
        #expect(TextPrompt(title: "", text: "/x.png").url(home: "/home/me").path == "/x.png")
        #expect(TextPrompt(title: "", text: "a~/x.png").url(home: "/home/me").lastPathComponent == "x.png")
    }
}
