/// A span of bytes inside a buffer the caller owns: parsers report positions, never copies, so a
/// parsed head stays valid exactly as long as the buffer it was parsed from.
public struct ByteRange: Sendable, Equatable {
    /// Offset of the first byte from the start of the buffer given to the parser.
    public var start: Int
    /// Number of bytes.
    public var count: Int

    public init(start: Int, count: Int) {
        self.start = start
        self.count = count
    }

    /// One past the last byte.
    @inlinable public var end: Int { start + count }

    /// The bytes of this range inside `buffer` (the buffer the range was parsed from).
    @inlinable public func bytes(in buffer: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[start..<start + count])
    }
}
