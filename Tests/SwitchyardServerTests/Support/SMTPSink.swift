import Foundation
import Glibc

/// A tiny SMTP server on loopback for reaction tests (RFC 5321, the happy path only): greets, says
/// 250 to EHLO/HELO, MAIL, RCPT and RSET, takes DATA up to the lone dot, and records each message with
/// its envelope. One blocking thread per connection.
final class SMTPSink: @unchecked Sendable {
    struct Message: Sendable {
        var from: String
        var to: [String]
        var data: String
    }

    let port: UInt16
    var url: String { "smtp://127.0.0.1:\(port)" }
    private let listener: Int32
    private let lock = NSLock()
    private var received: [Message] = []

    init() throws {
        (listener, port) = try loopbackListener(backlog: 16)
        Thread.detachNewThread { [self] in
            while true {
                let c = accept(listener, nil, nil)
                if c < 0 {
                    if errno == EINTR { continue }
                    return
                }
                Thread.detachNewThread { [self] in serve(c) }
            }
        }
    }

    /// Stops accepting.
    func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

    /// The messages received so far.
    var messages: [Message] { lock.withLock { received } }

    private func serve(_ fd: Int32) {
        defer { Glibc.close(fd) }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var pending: [UInt8] = []
        func reply(_ text: String) {
            let bytes = Array((text + "\r\n").utf8)
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        func line() -> String? {
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                if let end = RawUpstream.find([13, 10], in: pending) {
                    let text = String(decoding: pending[..<end], as: UTF8.self)
                    pending.removeFirst(end + 2)
                    return text
                }
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return nil }
                pending += chunk[0..<n]
            }
        }
        reply("220 sink.test ESMTP")
        var message = Message(from: "", to: [], data: "")
        while let command = line() {
            let verb = command.prefix(4).uppercased()
            switch verb {
            case "EHLO", "HELO": reply("250 sink.test")
            case "MAIL":
                message = Message(from: String(command.dropFirst(10)), to: [], data: "")
                reply("250 ok")
            case "RCPT":
                message.to.append(String(command.dropFirst(8)))
                reply("250 ok")
            case "DATA":
                reply("354 go ahead")
                var lines: [String] = []
                while let l = line(), l != "." { lines.append(l) }
                message.data = lines.joined(separator: "\r\n")
                let done = message
                lock.withLock { received.append(done) }
                reply("250 queued")
            case "QUIT":
                reply("221 bye")
                return
            default: reply("250 ok")
            }
        }
    }
}
