import Testing

@testable import CLADE

@Suite("StyleCode")
struct StyleCodeTests {
    /// Values from the Python twin, `Training/clade/style.py`: `random_style(42, 5)` and `random_style(0, 3)`.
    @Test("a seed gives the same code as the Python twin")
    func matchesPython() {
        #expect(
            StyleCode.random(seed: 42, count: 5).values == [
                0.8822488784790039, 1.3884732723236084, -0.45084986090660095, 0.6707164645195007, 0.18835262954235077,
            ])
        #expect(
            StyleCode.random(seed: 0, count: 3).values == [
                -1.8839083909988403, 0.8645068407058716, 0.22760793566703796,
            ])
    }

    @Test("odd lengths are the prefix of the next even length")
    func prefix() {
        let long = StyleCode.random(seed: 7, count: 256).values
        #expect(StyleCode.random(seed: 7, count: 255).values == Array(long.prefix(255)))
        #expect(StyleCode.random(seed: 7, count: 0).values.isEmpty)
    }

    @Test("codes look standard normal")
    func statistics() {
        let values = StyleCode.random(seed: 123, count: 20_000).values.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
        #expect(StyleCode.random(seed: 1, count: 8) != StyleCode.random(seed: 2, count: 8))
    }
}
