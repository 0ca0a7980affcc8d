import Foundation
import Glibc

struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A response as a test client saw it: an oracle independent of the proxy's own parser.
struct TestResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    /// The header's value, case-insensitive name; nil if absent.
    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
    var bodyString: String { String(decoding: body, as: UTF8.self) }
    /// The body parsed as a JSON object (or nil).
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
    /// `error.code` of a SPEC section 4 error body.
    var errorCode: String? { (json?["error"] as? [String: Any])?["code"] as? String }
}

/// A blocking TCP client on loopback for end-to-end tests: send raw bytes, read raw responses.
final class RawConnection {
    let fd: Int32
    private var pending: [UInt8] = []

    init(host: String = "127.0.0.1", port: UInt16, timeout: Double = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestError("socket failed") }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr(host)
        addr.sin_port = port.bigEndian
        let r = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        // No close here: the object is fully initialised, so throwing runs `deinit`, which closes `fd`.
        // Closing twice would close whatever socket another test opened on the same number meanwhile.
        if r != 0 { throw TestError("connect to \(port) failed: errno \(errno)") }
    }

    deinit { Glibc.close(fd) }
    func close() { shutdown(fd, Int32(SHUT_RDWR)) }

    func send(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { throw TestError("send failed: errno \(errno)") }
            off += n
        }
    }
    func send(_ s: String) throws { try send(Array(s.utf8)) }

    /// Reads more bytes into the pending buffer; false on EOF, throws on timeout/error.
    private func fill() throws -> Bool {
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n == 0 { return false }
        if n < 0 { throw TestError("recv failed: errno \(errno)") }
        pending.append(contentsOf: buf[0..<n])
        return true
    }

    /// Everything until the peer closes (or times out).
    func readToEnd() throws -> [UInt8] {
        while try fill() {}
        defer { pending = [] }
        return pending
    }

    /// True when the peer closed the connection (EOF) with nothing more to read, within the timeout.
    func isClosedByPeer() -> Bool {
        if !pending.isEmpty { return false }
        return (try? fill()) == false
    }

    private func takeLine() throws -> String? {
        while true {
            if let i = pending.firstIndex(of: 0x0A) {
                var line = Array(pending[..<i])
                pending.removeFirst(i + 1)
                if line.last == 0x0D { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if try !fill() { return nil }
        }
    }

    private func take(_ n: Int) throws -> [UInt8] {
        while pending.count < n { if try !fill() { throw TestError("EOF inside body") } }
        let out = Array(pending[..<n])
        pending.removeFirst(n)
        return out
    }

    /// Reads one Server-Sent Events block (up to a blank line, `\n\n`) after a head read with
    /// `readResponse(headRequest: true)`; nil when the peer closed first.
    func readEvent() throws -> String? {
        while true {
            if let end = RawUpstream.find([0x0A, 0x0A], in: pending) {
                let block = Array(pending[..<(end + 2)])
                pending.removeFirst(end + 2)
                return String(decoding: block, as: UTF8.self)
            }
            if try !fill() { return nil }
        }
    }

    /// Reads one whole response (skipping 1xx interim ones unless `keepInterim`).
    func readResponse(keepInterim: Bool = false, headRequest: Bool = false) throws -> TestResponse {
        while true {
            guard let statusLine = try takeLine() else { throw TestError("connection closed before a response") }
            let parts = statusLine.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, let status = Int(parts[1]) else { throw TestError("bad status line: \(statusLine)") }
            var headers: [(String, String)] = []
            while let line = try takeLine(), !line.isEmpty {
                guard let c = line.firstIndex(of: ":") else { throw TestError("bad header line: \(line)") }
                headers.append((String(line[..<c]), line[line.index(after: c)...].trimmingCharacters(in: .whitespaces)))
            }
            var r = TestResponse(status: status, headers: headers, body: [])
            if status < 200 { if keepInterim { return r } else { continue } }
            if headRequest || status == 204 || status == 304 { return r }
            if let te = r.header("Transfer-Encoding"), te.lowercased().contains("chunked") {
                while true {
                    guard let sizeLine = try takeLine(), let size = Int(sizeLine.split(separator: ";")[0], radix: 16)
                    else { throw TestError("bad chunk size") }
                    if size == 0 { while let t = try takeLine(), !t.isEmpty {}; break }
                    r.body += try take(size)
                    _ = try takeLine()
                }
            } else if let cl = r.header("Content-Length"), let n = Int(cl) {
                r.body = try take(n)
            } else {
                while try fill() {}
                r.body = pending
                pending = []
            }
            return r
        }
    }

    /// Sends one request and reads its response.
    func request(_ method: String = "POST", _ path: String = "/", body: String = "{}",
                 headers: [String: String] = [:]) throws -> TestResponse {
        var h = "\(method) \(path) HTTP/1.1\r\nHost: test\r\n"
        var hasCT = false
        for (k, v) in headers { h += "\(k): \(v)\r\n"; if k.lowercased() == "content-type" { hasCT = true } }
        if !hasCT { h += "Content-Type: application/json\r\n" }
        h += "Content-Length: \(body.utf8.count)\r\n\r\n"
        try send(Array(h.utf8) + Array(body.utf8))
        return try readResponse(headRequest: method == "HEAD")
    }
}
