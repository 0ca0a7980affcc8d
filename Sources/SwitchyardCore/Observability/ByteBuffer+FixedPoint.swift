extension ByteBuffer {
    /// Appends `value / 10^decimals` in decimal, trailing fraction zeros trimmed: `(1500, 3)` ->
    /// `1.5`, `(2000, 3)` -> `2`, `(-25, 3)` -> `-0.025`. Exact integer arithmetic, no allocation;
    /// used where a float would lose digits (nanoseconds as seconds) or need libm. `decimals` 0...18.
    mutating func write(fixedPoint value: Int, decimals: Int) {
        precondition(decimals >= 0 && decimals <= 18, "fixedPoint decimals must be 0...18")
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let magnitude = UInt64(value.magnitude)
        if value < 0 { write(byte: UInt8(ascii: "-")) }
        write(decimal: Int(magnitude / UInt64(scale)))
        var fraction = magnitude % UInt64(scale)
        guard fraction != 0 else { return }
        var digits = decimals
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        write(byte: UInt8(ascii: "."))
        var divisor: UInt64 = 1
        for _ in 1..<digits { divisor *= 10 }
        while divisor > 0 {
            write(byte: UInt8(truncatingIfNeeded: (fraction / divisor) % 10) &+ 48)
            divisor /= 10
        }
    }
}
