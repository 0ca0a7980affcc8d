/// The verdict of `JSONValidator` on the bytes it has seen.
public enum JSONValidation: Sendable {
    /// The bytes form exactly one RFC 8259 JSON text.
    case valid
    /// No error so far, but the verdict needs more bytes or `finish()`. Only `feed(_:)` answers this.
    case incomplete
    /// Not JSON. `offset` is the zero-based byte offset of the first byte that cannot continue a JSON
    /// text (the input length when the input ends too early); `reason` says what was expected.
    case invalid(offset: Int, reason: StaticString)

    /// True for `.valid` only.
    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }

    /// The offset of the first error, nil unless `.invalid`.
    public var errorOffset: Int? {
        if case .invalid(let offset, _) = self { return offset }
        return nil
    }
}

extension JSONValidation: Equatable {
    /// Reasons compare by their text.
    public static func == (lhs: JSONValidation, rhs: JSONValidation) -> Bool {
        switch (lhs, rhs) {
        case (.valid, .valid), (.incomplete, .incomplete): return true
        case let (.invalid(o1, r1), .invalid(o2, r2)):
            return o1 == o2 && r1.withUTF8Buffer { a in r2.withUTF8Buffer { b in a.elementsEqual(b) } }
        default: return false
        }
    }
}

extension JSONValidation: CustomStringConvertible {
    public var description: String {
        switch self {
        case .valid: return "valid"
        case .incomplete: return "incomplete"
        case .invalid(let offset, let reason): return "invalid at byte \(offset): \(reason)"
        }
    }
}
