/// One header field of a parsed head, as positions in the parsed buffer.
public struct HeaderField: Sendable, Equatable {
    /// The field name, as sent.
    public var name: ByteRange
    /// The field value without leading and trailing whitespace (OWS, RFC 9110 section 5.5).
    public var value: ByteRange
    /// What the proxy knows about this field.
    public var kind: HeaderKind

    public init(name: ByteRange, value: ByteRange, kind: HeaderKind) {
        self.name = name
        self.value = value
        self.kind = kind
    }
}
