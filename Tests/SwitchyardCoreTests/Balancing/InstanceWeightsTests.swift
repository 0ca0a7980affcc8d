import Testing
@testable import SwitchyardCore

@Suite struct InstanceWeightsTests {
    /// Bounds from 1 to 2^64 - 1; the large ones reject often, exercising the retry loop.
    static let bounds: [UInt64] = [1, 2, 3, 5, 7, 10, 100, 1_000, 65_537, 1 << 32, (1 << 32) + 1, 1 << 62,
                                   (1 << 63) + 1, (1 << 63) + (1 << 62), UInt64.max - 1, UInt64.max]

    @Test("uniform(below:) gives the standard library's next(upperBound:) values and generator calls", arguments: bounds)
    func sameAsStandardLibrary(bound: UInt64) {
        var ours = Counting(base: SplitMix64(seed: bound &* 31 &+ 7), calls: 0)
        var library = ours
        for _ in 0..<2_000 {
            #expect(InstanceWeights.uniform(below: bound, using: &ours) == library.next(upperBound: bound))
        }
        #expect(ours.calls == library.calls && ours.calls >= 2_000)
        #expect(ours.next() == library.next())
    }

    /// Counts the draws a generator is asked for.
    struct Counting: RandomNumberGenerator {
        var base: SplitMix64
        var calls: Int
        mutating func next() -> UInt64 {
            calls += 1
            return base.next()
        }
    }
}
