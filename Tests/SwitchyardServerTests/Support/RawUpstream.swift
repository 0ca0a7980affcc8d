import Foundation
import Glibc

/// A tiny upstream for framing tests that answers crafted bytes: one blocking thread per connection,
/// no HTTP library. Each request (head plus `Content-Length` body, as the proxy always sends) is
/// answered by `answer(path)`; after the bytes it either closes or keeps reading the connection.
final class RawUpstream: @unchecked Sendable {
    /// The bytes to send for one request and whether to close the connection afterwards.
    struct Answer: Sendable {
        var bytes: [UInt8]
        var close: Bool
        init(_ text: String, close: Bool = true) { bytes = Array(text.utf8); self.close = close }
    }

    let port: UInt16
    var url: String { "http://127.0.0.1:\(port)" }
    private let listener: Int32
    private let answer: @Sendable (String) -> Answer
    private let lock = NSLock()
    private var received: [String] = []
    private var receivedBodies: [String] = []
    private var stopped = false

    init(answer: @escaping @Sendable (_ path: String) -> Answer) throws {
        self.answer = answer
        (listener, port) = try loopbackListener(backlog: 64)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Stops accepting (connections already open end when the proxy closes them). Call it when done:
    /// the accept thread keeps the object alive until then.
    /// Only the first call acts (the accept thread closes the listener, whose number may be reused).
    func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        if first { shutdown(listener, Int32(SHUT_RDWR)) }
    }

    /// The raw request heads received so far, in order.
    var requests: [String] { lock.withLock { received } }

    /// The request bodies received so far, in order (a webhook receiver's payloads).
    var bodies: [String] { lock.withLock { receivedBodies } }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                Glibc.close(listener)
                return
            }
            Thread.detachNewThread { [self] in serve(fd) }
        }
    }

    private func serve(_ fd: Int32) {
        defer { Glibc.close(fd) }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            // One request: the head, then as many body bytes as its Content-Length says.
            var headEnd: Int? = nil
            while true {
                if let end = Self.find([13, 10, 13, 10], in: pending) { headEnd = end + 4; break }
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return }
                pending += chunk[0..<n]
            }
            guard let headEnd else { return }
            let head = String(decoding: pending[..<headEnd], as: UTF8.self)
            var length = 0
            for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0
            }
            while pending.count < headEnd + length {
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return }
                pending += chunk[0..<n]
            }
            let body = String(decoding: pending[headEnd..<headEnd + length], as: UTF8.self)
            pending.removeFirst(headEnd + length)
            lock.withLock {
                received.append(head)
                receivedBodies.append(body)
            }
            let path = head.split(separator: " ", maxSplits: 2).dropFirst().first.map(String.init) ?? "/"
            let reply = answer(path)
            var off = 0
            while off < reply.bytes.count {
                let n = reply.bytes[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return }
                off += n
            }
            if reply.close { return }
        }
    }

    static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && Array(hay[i..<i + needle.count]) == needle {
            return i
        }
        return nil
    }
}
