import SwitchyardCore

/// One worker's access-log batch: lines are formatted into a private buffer and written to the
/// shared `AccessLog` in one `write(2)` when it passes `flushThreshold`, or when the worker calls
/// `flush()` at the end of a loop turn (so lines are never held longer than one turn).
///
/// Loop-confined: one per worker, used only on its thread. Appending allocates nothing once the
/// buffer has grown to its working size.
public final class AccessLogBuffer {
    /// Bytes buffered before `append` flushes by itself.
    public static let flushThreshold = 16 << 10
    public let log: AccessLog
    private var buffer = ByteBuffer(capacity: 32 << 10)

    public init(log: AccessLog) {
        self.log = log
    }

    deinit { flush() }

    /// Bytes waiting for `flush()`.
    public var pendingBytes: Int { buffer.readableCount }

    /// Formats one request's line (see `AccessLogFormatter`); the byte fields are read during the call only.
    public func append(_ record: AccessLogRecord, requestID: UnsafeRawBufferPointer, client: UnsafeRawBufferPointer,
                       method: UnsafeRawBufferPointer, path: UnsafeRawBufferPointer,
                       service: UnsafeRawBufferPointer?, instance: UnsafeRawBufferPointer?) {
        guard log.isEnabled else { return }
        AccessLogFormatter.write(record, requestID: requestID, client: client, method: method, path: path,
                                 service: service, instance: instance, into: &buffer)
        if buffer.readableCount >= Self.flushThreshold { flush() }
    }

    /// The same from `String`s (slow paths and tests).
    public func append(_ record: AccessLogRecord, requestID: String, client: String, method: String, path: String,
                       service: String?, instance: String?) {
        guard log.isEnabled else { return }
        AccessLogFormatter.write(record, requestID: requestID, client: client, method: method, path: path,
                                 service: service, instance: instance, into: &buffer)
        if buffer.readableCount >= Self.flushThreshold { flush() }
    }

    /// Writes every buffered line to the log with one `write(2)`.
    public func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withReadableBytes { log.write($0) }
        buffer.clear()
        buffer.shrinkIfIdle(to: 64 << 10)
    }
}

@available(*, unavailable)
extension AccessLogBuffer: Sendable {}
