import CHalf
import Testing

@testable import CLADE

@Suite("Half-precision weights")
struct HalfWeightsTests {
    /// Every finite half, widened by the kernel and by Swift's own `Float16`, and packed back to the same bits.
    @Test("every finite half widens exactly and packs back to its bits")
    func everyHalf() {
        for bits in UInt16.min ... UInt16.max where (bits >> 10) & 0x1f != 0x1f {
            let widened = chalf_widen(bits)
            #expect(widened.bitPattern == Float(Float16(bitPattern: bits)).bitPattern, "half \(bits)")
            var packed: UInt16 = 0
            #expect(chalf_pack_exact([widened], &packed, 1) == 1 && packed == bits, "half \(bits)")
        }
    }

    @Test(
        "values half precision does not hold are found, at their index",
        arguments: [Float(0.1), 1 + 0x1p-11, 65520, 0x1p-25, 3 * 0x1p-26, -1e-8, .infinity, .nan])
    func inexact(value: Float) {
        var packed = [UInt16](repeating: 0, count: 3)
        #expect(chalf_pack_exact([0.5, -2, value], &packed, 3) == 2)
        #expect(packed[0 ..< 2] == [0x3800, 0xc000])
    }

    /// Rows whose length leaves every remainder of the 16-wide loop, against the product in double precision.
    @Test("the matrix-vector product adds W x onto y", arguments: [(5, 7), (3, 16), (4, 33), (2, 256), (9, 1)])
    func product(shape: (rows: Int, columns: Int)) {
        var random = TestRandom(seed: UInt64(shape.rows * 1000 + shape.columns))
        let halves = (0 ..< shape.rows * shape.columns).map { _ in Float16(random.tensor([1]).data[0]).bitPattern }
        let x = random.tensor([shape.columns]).data
        let start = random.tensor([shape.rows]).data
        var y = start
        chalf_gemv_accumulate(halves, shape.rows, shape.columns, x, &y)
        for r in 0 ..< shape.rows {
            let exact = (0 ..< shape.columns).reduce(Double(start[r])) { sum, c in
                sum + Double(Float(Float16(bitPattern: halves[r * shape.columns + c]))) * Double(x[c])
            }
            #expect(abs(Double(y[r]) - exact) < 1e-5, "row \(r)")
        }
    }

    @Test("a linear layer keeps weights half precision holds in it, others in float32, and computes the same")
    func linearForms() {
        var random = TestRandom(seed: 17)
        let exact = Tensor(shape: [40, 24], data: random.tensor([40, 24]).data.map { Float(Float16($0)) })
        var inexact = exact
        inexact.data[37] += 0x1p-20
        let bias = random.tensor([40])
        let x = random.tensor([24])
        let (half, single) = (Linear(weight: exact, bias: bias), Linear(weight: inexact, bias: bias))
        #expect(half.halves != nil && half.singles == nil)
        #expect(single.halves == nil && single.singles != nil)
        let (a, b) = (half(x), single(x))
        for o in 0 ..< 40 {
            let expected = (0 ..< 24).reduce(Double(bias.data[o])) {
                $0 + Double(exact.data[o * 24 + $1]) * Double(x.data[$1])
            }
            #expect(abs(Double(a.data[o]) - expected) < 1e-5)
            #expect(abs(Double(b.data[o]) - expected) < 1e-4)
        }
    }
}
