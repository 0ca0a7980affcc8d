/// Writes the chunked transfer coding (RFC 9112 section 7.1), for relaying an until-close upstream
/// body to an HTTP/1.1 client. A chunk is `write(chunkOf:)`, the data, `writeChunkEnd`; the body
/// ends with `writeLast`.
public enum ChunkedEncoder {
    /// Writes the chunk-size line for `count` (> 0) data bytes: `<hex>\r\n`.
    public static func write(chunkOf count: Int, into out: inout ByteBuffer) {
        precondition(count > 0, "a zero-size chunk ends the body: use writeLast")
        out.write(hex: count)
        out.write("\r\n")
    }

    /// Writes the CRLF that follows a chunk's data.
    public static func writeChunkEnd(into out: inout ByteBuffer) {
        out.write("\r\n")
    }

    /// Writes `data` as one complete chunk; nothing when `data` is empty.
    public static func write(chunk data: UnsafeRawBufferPointer, into out: inout ByteBuffer) {
        guard data.count > 0 else { return }
        write(chunkOf: data.count, into: &out)
        out.write(data)
        writeChunkEnd(into: &out)
    }

    /// Writes the last chunk and an empty trailer section: `0\r\n\r\n`.
    public static func writeLast(into out: inout ByteBuffer) {
        out.write("0\r\n\r\n")
    }
}
