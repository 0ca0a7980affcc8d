/// A small, fast, seedable pseudo-random generator (Steele, Lea and Flood's SplitMix64).
///
/// Not cryptographic. The shell seeds one per worker (from the clock or `getrandom`); tests seed it
/// with a constant so distributions are reproducible. Every 64-bit seed gives a full-period stream.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    /// The generator's whole state; the next output is derived from `state + golden gamma`.
    public var state: UInt64

    @inlinable public init(seed: UInt64) { self.state = seed }

    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
