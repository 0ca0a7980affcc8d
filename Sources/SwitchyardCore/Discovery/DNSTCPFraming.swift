/// DNS over TCP frames every message with a two-byte length in network order (RFC 1035 section
/// 4.2.2, RFC 7766 section 8). The shell writes `frame(_:)` and feeds what it reads to
/// `nextMessage(in:)` or `takeMessage(from:)` until a whole message is there.
public enum DNSTCPFraming {
    /// The largest message a two-byte length can carry.
    public static let maxMessageLength = 65_535

    /// `message` preceded by its length. A message longer than 65,535 bytes is a program error
    /// (queries are under 300 bytes).
    public static func frame(_ message: [UInt8]) -> [UInt8] {
        precondition(message.count <= maxMessageLength, "a DNS message over 65,535 bytes cannot be framed")
        return [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message
    }

    /// Appends `message` preceded by its length to `buffer`.
    public static func write(_ message: [UInt8], into buffer: inout ByteBuffer) {
        buffer.write(frame(message))
    }

    /// The first complete message in `stream` and how many bytes it took with its prefix, or nil
    /// while the prefix or the message is incomplete. A zero length gives an empty message (which
    /// the parsers reject); the stream stays in step either way.
    public static func nextMessage(in stream: [UInt8]) -> (message: [UInt8], consumed: Int)? {
        firstMessage(in: stream)
    }

    /// Removes and returns the first complete message in `buffer`'s readable bytes, or nil (and
    /// leaves the buffer alone) while it is incomplete.
    public static func takeMessage(from buffer: inout ByteBuffer) -> [UInt8]? {
        guard let found = buffer.withReadableBytes({ firstMessage(in: $0) }) else { return nil }
        buffer.consume(found.consumed)
        return found.message
    }

    static func firstMessage<Bytes: RandomAccessCollection<UInt8>>(in stream: Bytes) -> (message: [UInt8], consumed: Int)?
    where Bytes.Index == Int {
        let start = stream.startIndex
        guard stream.count >= 2 else { return nil }
        let length = Int(stream[start]) << 8 | Int(stream[start + 1])
        guard stream.count >= 2 + length else { return nil }
        return (Array(stream[(start + 2)..<(start + 2 + length)]), 2 + length)
    }
}
