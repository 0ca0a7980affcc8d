/// Writes compact JSON (RFC 8259) into a caller's `ByteBuffer`, placing commas and colons itself.
/// The admin API renders `/stats` and `/dump` with it; nothing is allocated except by the buffer.
///
/// The writer only tracks structure (a bit stack of up to `maxDepth` open containers); the buffer is
/// borrowed per call, so one writer can build a document while the caller also appends to the buffer
/// around it. Misuse (a value in an object without a key, a key in an array, a mismatched end, a
/// second top-level value) is a programming error and traps.
///
///     var out = ByteBuffer()
///     var w = JSONWriter()
///     w.beginObject(into: &out)
///     w.key("requests", into: &out); w.value(12, into: &out)
///     w.key("error_rate", into: &out); w.value(0.25, into: &out)
///     w.endObject(into: &out)          // {"requests":12,"error_rate":0.25}
public struct JSONWriter: Sendable {
    /// The deepest nesting the writer supports.
    public static let maxDepth = 64

    private var depth = 0
    /// Bit `k`: the container at level `k` (0-based) is an object.
    private var objectBits: UInt64 = 0
    /// Bit `k`: the container at level `k` already holds a member, so the next one needs a comma.
    private var nonEmptyBits: UInt64 = 0
    /// A key was written; its value comes next, without a comma.
    private var expectsValue = false
    private var hasTopLevelValue = false

    public init() {}

    /// True once a whole top-level value has been written and every container is closed.
    public var isComplete: Bool { depth == 0 && hasTopLevelValue }

    // MARK: Containers

    /// Writes `{`.
    public mutating func beginObject(into out: inout ByteBuffer) {
        beginValue(into: &out)
        push(object: true)
        out.write(byte: UInt8(ascii: "{"))
    }

    /// Writes `}`; traps unless the innermost open container is an object with no key left hanging.
    public mutating func endObject(into out: inout ByteBuffer) {
        precondition(depth > 0 && isInObject && !expectsValue, "JSONWriter: endObject without a matching beginObject")
        depth -= 1
        out.write(byte: UInt8(ascii: "}"))
    }

    /// Writes `[`.
    public mutating func beginArray(into out: inout ByteBuffer) {
        beginValue(into: &out)
        push(object: false)
        out.write(byte: UInt8(ascii: "["))
    }

    /// Writes `]`; traps unless the innermost open container is an array.
    public mutating func endArray(into out: inout ByteBuffer) {
        precondition(depth > 0 && !isInObject, "JSONWriter: endArray without a matching beginArray")
        depth -= 1
        out.write(byte: UInt8(ascii: "]"))
    }

    // MARK: Keys

    /// Writes an object key and its colon (escaped as needed). Allocates nothing.
    public mutating func key(_ name: StaticString, into out: inout ByteBuffer) {
        beginKey(into: &out)
        name.withUTF8Buffer { out.writeJSONString(bytes: UnsafeRawBufferPointer($0)) }
        out.write(byte: UInt8(ascii: ":"))
    }

    /// Writes an object key and its colon (escaped as needed).
    public mutating func key(_ name: String, into out: inout ByteBuffer) {
        beginKey(into: &out)
        out.writeJSONString(name)
        out.write(byte: UInt8(ascii: ":"))
    }

    // MARK: Scalars

    /// Writes a string value (escaped as needed).
    public mutating func value(_ string: String, into out: inout ByteBuffer) {
        beginValue(into: &out)
        out.writeJSONString(string)
    }

    /// Writes a string value from a static string (state names and the like). Allocates nothing.
    public mutating func value(_ string: StaticString, into out: inout ByteBuffer) {
        beginValue(into: &out)
        string.withUTF8Buffer { out.writeJSONString(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Writes an integer.
    public mutating func value(_ number: Int, into out: inout ByteBuffer) {
        beginValue(into: &out)
        out.write(decimal: number)
    }

    /// Writes a number rounded half away from zero to at most `fractionDigits` decimals (0...9),
    /// trailing zeros trimmed: `2.0` -> `2`, `0.12345` -> `0.123`, `-0.0001` -> `0`. NaN and the
    /// infinities, which JSON cannot express, become `null`. Formatted by hand (the core has no libm);
    /// magnitudes too large for 64-bit fixed point fall back to Swift's shortest representation
    /// (`1e+20`), which is also valid JSON.
    public mutating func value(_ number: Double, fractionDigits: Int = 3, into out: inout ByteBuffer) {
        precondition(fractionDigits >= 0 && fractionDigits <= 9, "JSONWriter: fractionDigits must be 0...9")
        beginValue(into: &out)
        guard number.isFinite else {
            out.write("null")
            return
        }
        var scale: UInt64 = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        let magnitude = number < 0 ? -number : number
        let scaled = magnitude * Double(scale) + 0.5
        guard scaled < 9.0e18 else {
            out.write(string: number.description)
            return
        }
        let fixed = UInt64(scaled)   // truncation after adding one half: rounds half away from zero
        if fixed == 0 {
            out.write(byte: UInt8(ascii: "0"))   // also for -0.0 and negatives that round to zero
            return
        }
        if number < 0 { out.write(byte: UInt8(ascii: "-")) }
        out.write(decimal: Int(fixed / scale))
        var fraction = fixed % scale
        guard fraction != 0 else { return }
        var digits = fractionDigits
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        out.write(byte: UInt8(ascii: "."))
        var divisor: UInt64 = 1   // 10^(digits - 1): prints the leading zeros of the fraction too
        for _ in 1..<digits { divisor *= 10 }
        for _ in 0..<digits {
            out.write(byte: UInt8(truncatingIfNeeded: (fraction / divisor) % 10) &+ 48)
            divisor /= 10
        }
    }

    /// Writes `true` or `false`.
    public mutating func value(_ flag: Bool, into out: inout ByteBuffer) {
        beginValue(into: &out)
        out.write(flag ? "true" : "false")
    }

    /// Writes `json` as it is: bytes the caller has checked to be exactly one JSON value (a batch
    /// part's upstream body that `JSONValidator` accepted). Nothing is checked here.
    public mutating func rawValue(_ json: UnsafeRawBufferPointer, into out: inout ByteBuffer) {
        beginValue(into: &out)
        out.write(json)
    }

    /// Writes `null`.
    public mutating func null(into out: inout ByteBuffer) {
        beginValue(into: &out)
        out.write("null")
    }

    // MARK: Structure

    private var isInObject: Bool { objectBits & (1 << UInt64(depth - 1)) != 0 }

    /// Before any value: the comma in arrays, nothing after a key, one value only at the top level.
    private mutating func beginValue(into out: inout ByteBuffer) {
        if depth == 0 {
            precondition(!hasTopLevelValue, "JSONWriter: a second top-level value")
            hasTopLevelValue = true
        } else if expectsValue {
            expectsValue = false
        } else {
            precondition(!isInObject, "JSONWriter: a value in an object needs a key first")
            writeSeparator(into: &out)
        }
    }

    private mutating func beginKey(into out: inout ByteBuffer) {
        precondition(depth > 0 && isInObject && !expectsValue, "JSONWriter: a key outside an object or right after a key")
        writeSeparator(into: &out)
        expectsValue = true
    }

    /// A comma unless the innermost container is still empty.
    private mutating func writeSeparator(into out: inout ByteBuffer) {
        let bit: UInt64 = 1 << UInt64(depth - 1)
        if nonEmptyBits & bit != 0 { out.write(byte: UInt8(ascii: ",")) } else { nonEmptyBits |= bit }
    }

    private mutating func push(object: Bool) {
        precondition(depth < Self.maxDepth, "JSONWriter: nesting deeper than maxDepth")
        let bit: UInt64 = 1 << UInt64(depth)
        if object { objectBits |= bit } else { objectBits &= ~bit }
        nonEmptyBits &= ~bit
        depth += 1
    }
}
