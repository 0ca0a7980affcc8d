import Foundation
import Glibc
import Synchronization

/// A misbehaving upstream written in the test (a thread and blocking sockets), for fault injection.
/// It reads each request, then acts on its path:
/// `/half-head` sends part of a status line and closes, `/half-body` sends a head announcing 1,000
/// bytes and 10 of them and closes (an upstream killed mid-response), `/hang` never answers,
/// `/garbage` answers bytes that are not HTTP, `/reset` closes with `SO_LINGER` 0 (a TCP RST);
/// any other path gets a well-formed `200 {"ok":true}` on a kept-alive connection.
final class FaultyUpstream: @unchecked Sendable {
    let port: UInt16
    var url: String { "http://127.0.0.1:\(port)" }
    private let listener: Int32
    /// Connections kept open (`/hang`); closed by `stop()`.
    private let held = Mutex<[Int32]>([])
    private let stopped = Atomic<Bool>(false)
    /// Requests read so far, by path.
    private let seen = Mutex<[String: Int]>([:])

    init() throws {
        (listener, port) = try loopbackListener(backlog: 128)
        Thread { [self] in acceptLoop() }.start()
    }

    deinit { stop() }

    /// How many requests for `path` were read.
    func count(_ path: String) -> Int { seen.withLock { $0[path] ?? 0 } }

    /// Stops accepting and closes every held connection.
    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        shutdown(listener, Int32(SHUT_RDWR)) // wakes the blocked accept
        for fd in held.withLock({ h in defer { h = [] }; return h }) { close(fd) }
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .relaxed) {
            let c = accept(listener, nil, nil)
            if c < 0 { if errno == EINTR { continue } else { break } }
            Thread { [self] in serve(c) }.start()
        }
        close(listener)
    }

    /// Serves one connection: requests in a row until a fault ends it.
    private func serve(_ fd: Int32) {
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var buffer: [UInt8] = []
        while let path = readRequest(fd, &buffer) {
            seen.withLock { $0[path, default: 0] += 1 }
            switch path {
            case "/half-head":
                write(fd, "HTTP/1.1 200 O")
                close(fd)
                return
            case "/half-body":
                write(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[1,2,3,4,5")
                usleep(50_000)
                close(fd)
                return
            case "/hang":
                if stopped.load(ordering: .relaxed) { close(fd) } else { held.withLock { $0.append(fd) } }
                return
            case "/garbage":
                write(fd, "SSH-2.0-OpenSSH_9.6\r\nthis is not HTTP at all\r\n\r\n")
                close(fd)
                return
            case "/reset":
                var lingerOff = linger(l_onoff: 1, l_linger: 0)
                setsockopt(fd, SOL_SOCKET, SO_LINGER, &lingerOff, socklen_t(MemoryLayout<linger>.size))
                close(fd)
                return
            default:
                let body = #"{"ok":true}"#
                write(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            }
        }
        close(fd)
    }

    private func write(_ fd: Int32, _ s: String) {
        let bytes = Array(s.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    /// Reads one request (head and a Content-Length body); its path, or nil on EOF or error.
    private func readRequest(_ fd: Int32, _ buffer: inout [UInt8]) -> String? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while true {
            if headEnd == nil, buffer.count >= 4 {
                for i in 0...(buffer.count - 4) where buffer[i..<(i + 4)].elementsEqual(terminator) { headEnd = i + 4; break }
            }
            if let end = headEnd {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                var length = 0
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
                if buffer.count >= end + length {
                    buffer.removeFirst(end + length)
                    let requestLine = head.prefix { $0 != "\r" }.split(separator: " ")
                    return requestLine.count >= 2 ? String(requestLine[1]) : "?"
                }
            }
            var chunk = [UInt8](repeating: 0, count: 16384)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
}
