/// Makes request ids (`X-Request-Id`, SPEC section 5): 16 lower-case hex digits.
///
/// The id is a bijection of a counter salted with a random `prefix` (a multiplication by an odd
/// constant, then an xorshift), so one generator never repeats an id within 2^64 of them, and
/// generators with different prefixes (each worker, the admin server) rarely collide. Not secret:
/// ids label requests in logs, they authorise nothing.
public struct RequestIDGenerator: Sendable {
    private let prefix: UInt64
    private var counter: UInt64 = 0

    /// A generator salted with `prefix` (draw it from a random source).
    public init(prefix: UInt64) {
        self.prefix = prefix
    }

    /// Writes the next id into `out`, replacing its contents and reusing its storage (no
    /// allocation once `out` has held 16 bytes).
    public mutating func next(into out: inout [UInt8]) {
        counter &+= 1
        var v = prefix &+ counter &* 0x9E37_79B9_7F4A_7C15
        v ^= v >> 29
        if out.count != 16 {
            out.removeAll(keepingCapacity: true)
            out.append(contentsOf: repeatElement(0, count: 16))
        }
        out.withUnsafeMutableBufferPointer { p in
            for i in 0 ..< 16 {
                let d = UInt8(truncatingIfNeeded: (v >> UInt64(60 - 4 * i)) & 15)
                p[i] = d < 10 ? d &+ 0x30 : d &+ 0x57
            }
        }
    }

    /// The next id as a `String` (allocates: for the admin API, off the request path).
    public mutating func next() -> String {
        var bytes: [UInt8] = []
        next(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
