/// Why a batch request is refused as a whole: a 400 with SPEC section 4's error body, whose `code`
/// is `code.rawValue` and whose `message` names the field (`requests[3].id: "a" is used twice`).
public struct BatchRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The machine-readable `error.code`.
    public enum Code: String, Sendable, CaseIterable {
        /// Not JSON (RFC 8259); the message gives the byte offset.
        case invalidJSON = "invalid_json"
        /// Over `multiplex.max_body` bytes.
        case bodyTooLarge = "body_too_large"
        /// Over `multiplex.max_parts` parts.
        case tooManyParts = "too_many_parts"
        /// Two parts with the same `id`.
        case duplicateID = "duplicate_id"
        /// A key the shape does not have.
        case unknownField = "unknown_field"
        /// The same key twice in one object.
        case duplicateField = "duplicate_field"
        /// A required key is absent (`requests`; one of `service` or `url`).
        case missingField = "missing_field"
        /// A key with a value of the wrong type or out of range, or keys that exclude each other.
        case invalidField = "invalid_field"
    }

    public var code: Code
    /// `path: problem`, the path as the client wrote it (`requests[2].headers`).
    public var message: String
    /// Byte offset in the request body where the problem is (the offending key or value).
    public var offset: Int

    public init(_ code: Code, _ message: String, at offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// Always 400 (SPEC section 8: each limit is a 400 when exceeded).
    public var status: Int { 400 }

    public var description: String { "\(code.rawValue) at byte \(offset): \(message)" }
}
