import SwitchyardCore

/// The proxy's own answers (SPEC section 4 errors) and the access-log line of each request.
extension ClientConnection {
    // MARK: Errors

    func respondError(_ error: ProxyError, detail: StaticString? = nil, close: Bool) {
        if let detail {
            var d = ByteBuffer(capacity: 64)
            d.write(detail)
            respondError(error, detailBuffer: d, close: close)
        } else {
            writeError(error, detail: nil, close: close)
        }
    }

    func respondError(_ error: ProxyError, detailBuffer: consuming ByteBuffer, close: Bool) {
        detailBuffer.withReadableBytes { writeError(error, detail: $0, close: close) }
    }

    private func writeError(_ error: ProxyError, detail: UnsafeRawBufferPointer?, close: Bool) {
        if !headValid {
            context.nextRequestID(into: &requestID)
            requestStart = loop.now
            bytesOut = 0
        }
        // `serviceIndex` belongs to the request's snapshot, so its counters are that snapshot's.
        state.countError(error, serviceIndex: headValid ? serviceIndex : -1)
        let closing = close || !keepAlive || context.draining
        keepAlive = !closing
        requestID.withUnsafeBytes { rid in
            state.allowHeader.withUnsafeBytes { allow in
                ErrorResponse.write(error, detail: detail, requestID: rid, keepAlive: !closing,
                                    allow: error == .methodNotAllowed ? allow : nil,
                                    retryAfterSeconds: error == .noHealthyInstance ? 1 : nil, into: &output)
            }
        }
        bytesOut += output.readableCount
        logAccess(status: error.status, error: error)
        if closing {
            // A framing error may leave unread bytes that must not be taken as a request.
            phase = .closing
            setInterest(.writable)
            flushOutput()
        } else {
            finishRequest()
        }
    }

    // MARK: Access log

    /// One access-log line for the current request (when the access log is on).
    func logAccess(status: Int, error: ProxyError?) {
        guard let log = context.accessLog else { return }
        let wall = WallClock.now()
        let now = loop.now
        let target = lastInstance
        let record = AccessLogRecord(
            timeUnixMs: wall.seconds * 1000 + wall.nanoseconds / 1_000_000, status: status,
            bytesIn: headValid ? max(requestLength, headLength) : 0, bytesOut: bytesOut,
            upstreamMicros: exchange.attempts > 0 && target != nil ? Int(now.nanoseconds(since: lastAttemptStart) / 1000) : nil,
            totalMicros: Int(now.nanoseconds(since: requestStart) / 1000), attempts: headValid ? exchange.attempts : 0,
            errorCode: error?.code)
        let service = headValid && serviceIndex >= 0 ? state.services[serviceIndex] : nil
        input.withReadableBytes { bytes in
            let method = headValid ? UnsafeRawBufferPointer(rebasing: bytes[head.methodRange.start ..< head.methodRange.end]) : UnsafeRawBufferPointer(start: nil, count: 0)
            let path = headValid ? UnsafeRawBufferPointer(rebasing: bytes[head.path.start ..< head.path.end]) : UnsafeRawBufferPointer(start: nil, count: 0)
            requestID.withUnsafeBytes { rid in
                peer.withUnsafeBytes { client in
                    withOptionalBytes(service?.nameBytes) { svc in
                        withOptionalBytes(target?.labelBytes) { inst in
                            log.append(record, requestID: rid, client: client, method: method, path: path,
                                       service: svc, instance: inst)
                        }
                    }
                }
            }
        }
        context.scheduleAccessLogFlush()
    }
}

/// Calls `body` with the bytes of `array`, or nil.
private func withOptionalBytes<R>(_ array: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBytes { body($0) }
}
