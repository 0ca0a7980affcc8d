/// Framing of a `text/event-stream` body (HTML Living Standard, "Server-sent events", section
/// 9.2.6 "Interpreting an event stream"): each event is one or more `data:` lines and a blank line.
/// The admin API's `GET /events` writes one event per second with it.
public enum ServerSentEvents {
    /// The media type of an event stream.
    public static let contentType: StaticString = "text/event-stream"

    /// Appends `retry: <milliseconds>` (how long a client waits before reconnecting) as its own field
    /// line; it takes effect with the next event, so write it before the first one.
    public static func writeRetry(milliseconds: Int, into out: inout ByteBuffer) {
        out.write("retry: ")
        out.write(decimal: max(0, milliseconds))
        out.write(byte: 0x0A)
    }

    /// Appends one event whose data is `data`. A line break in the data (LF, CR or CRLF, all of which
    /// end a line in the stream) starts a new `data:` line, which the client joins back with LF, so
    /// any text arrives intact except that CR and CRLF become LF.
    public static func writeEvent(data: UnsafeRawBufferPointer, into out: inout ByteBuffer) {
        out.write("data: ")
        var start = 0
        var i = 0
        while i < data.count {
            let b = data[i]
            if b == 0x0A || b == 0x0D {
                out.write(UnsafeRawBufferPointer(rebasing: data[start..<i]))
                out.write("\ndata: ")
                if b == 0x0D && i + 1 < data.count && data[i + 1] == 0x0A { i += 1 }
                start = i + 1
            }
            i += 1
        }
        out.write(UnsafeRawBufferPointer(rebasing: data[start..<data.count]))
        out.write("\n\n")
    }
}
