import Foundation
import Glibc
import Synchronization
import SwitchyardCore

/// The demo upstream: a small blocking HTTP/1.1 server, one thread per connection. It parses requests
/// with the project's own codec and answers a JSON echo of each one. It is a test and demo tool, not
/// part of the proxy's hot path, so simplicity wins over speed here.
final class EchoServer: Sendable {
    let options: EchoOptions
    /// TCP connections accepted so far; each answer names the connection that carried it, so tests
    /// can see keep-alive reuse from the proxy.
    let connections = Atomic<Int>(0)
    let requests = Atomic<Int>(0)
    /// What `GET /health` answers; changed by `POST /_echo/health`.
    let healthStatus = Atomic<Int>(200)

    init(options: EchoOptions) { self.options = options }

    func run() -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = options.port.bigEndian
        guard inet_pton(AF_INET, options.host, &addr.sin_addr) == 1 else {
            printError("switchyard-echo: \(options.host) is not an IPv4 address")
            return 2
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1024) == 0 else {
            printError("switchyard-echo: cannot listen on \(options.host):\(options.port): \(String(cString: strerror(errno)))")
            return 1
        }
        printError("switchyard-echo \(options.name) listening on \(options.host):\(options.port)")
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                usleep(10_000)
                continue
            }
            var on: Int32 = 1
            setsockopt(c, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            let number = connections.add(1, ordering: .relaxed).newValue
            Thread.detachNewThread { [self] in
                EchoConnection(server: self, fd: c, number: number).serve()
                close(c)
            }
        }
    }
}

/// One client connection of the echo server.
struct EchoConnection {
    let server: EchoServer
    let fd: Int32
    let number: Int

    func serve() {
        var input = ByteBuffer(capacity: 64 << 10)
        var limits = HTTPLimits()
        limits.maxBody = 64 << 20
        var parser = RequestHeadParser(limits: limits)
        var head = RequestHead()
        var requestOnConnection = 0
        while true {
            // The head.
            var headLength = 0
            parsing: while true {
                switch input.withReadableBytes({ parser.parse($0, into: &head) }) {
                case .complete(let consumed):
                    headLength = consumed
                    break parsing
                case .needMore:
                    if !fill(&input) { return }
                case .error:
                    sendBadRequest()
                    return
                }
            }
            // The body, de-chunked when needed.
            var body = ByteBuffer(capacity: 256)
            var total = headLength
            switch head.framing {
            case .contentLength(let n):
                while input.readableCount < headLength + n { if !fill(&input) { return } }
                input.withReadableBytes { body.write(UnsafeRawBufferPointer(rebasing: $0[headLength ..< headLength + n])) }
                total += n
            case .chunked:
                var decoder = ChunkedDecoder(limits: limits)
                var offset = headLength
                chunks: while true {
                    let progress = input.withReadableBytes {
                        decoder.decode(UnsafeRawBufferPointer(rebasing: $0[offset...]), into: &body)
                    }
                    switch progress {
                    case .done(let consumed):
                        offset += consumed
                        break chunks
                    case .needMore(let consumed):
                        offset += consumed
                        if !fill(&input) { return }
                    case .error:
                        sendBadRequest()
                        return
                    }
                }
                total = offset
            case .none, .untilClose:
                break
            }
            requestOnConnection += 1
            let request = server.requests.add(1, ordering: .relaxed).newValue
            let keepOpen = input.withReadableBytes { bytes in
                answer(head: head, bytes: bytes, body: body, request: request, onConnection: requestOnConnection)
            }
            input.consume(total)
            parser.reset()
            if !keepOpen { return }
        }
    }

    /// Reads more bytes; false when the peer closed or failed.
    private func fill(_ input: inout ByteBuffer) -> Bool {
        let n = input.writeWithUnsafeMutableBytes(minimum: 16 << 10) { read(fd, $0.baseAddress, $0.count) }
        return n > 0
    }

    private func sendBadRequest() {
        var out = ByteBuffer()
        out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        send(out)
    }

    private func send(_ out: borrowing ByteBuffer) {
        out.withReadableBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                let n = write(fd, bytes.baseAddress! + sent, bytes.count - sent)
                if n <= 0 { if errno == EINTR { continue }; return }
                sent += n
            }
        }
    }

    private func text(_ r: ByteRange, _ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[r.start ..< r.start + r.count]), as: UTF8.self)
    }

    /// Writes the answer; returns whether the connection stays open.
    private func answer(head: RequestHead, bytes: UnsafeRawBufferPointer, body: borrowing ByteBuffer,
                        request: Int, onConnection: Int) -> Bool {
        var controls: [String: String] = [:]
        for h in head.headers {
            let name = text(h.name, bytes).lowercased()
            if name.hasPrefix("x-echo-") { controls[String(name.dropFirst(7))] = text(h.value, bytes) }
        }
        let path = text(head.path, bytes)
        let method = text(head.methodRange, bytes)
        let options = server.options
        let delay = Int(controls["delay-ms"] ?? "") ?? options.delayMs
        if controls["hang"] == "1" { while true { sleep(60) } }
        if delay > 0 { usleep(UInt32(delay) * 1000) }

        var status = Int(controls["status"] ?? "") ?? 200
        if controls["status"] == nil, options.failRate > 0, Double.random(in: 0..<1) < options.failRate { status = 500 }
        if method == "GET" && path == "/health" { status = server.healthStatus.load(ordering: .relaxed) }
        if method == "POST" && path == "/_echo/health" {
            let s = body.withReadableBytes { String(decoding: $0, as: UTF8.self) }
            if let r = s.range(of: #"[0-9]{3}"#, options: .regularExpression), let v = Int(s[r]) {
                server.healthStatus.store(v, ordering: .relaxed)
            }
        }
        if controls["garbage"] == "1" {
            var out = ByteBuffer()
            out.write("this is not HTTP\r\n\r\n")
            send(out)
            return false
        }

        var json = ByteBuffer(capacity: 1024)
        json.write("{\"name\":")
        json.writeJSONString(options.name)
        json.write(",\"status\":")
        json.write(decimal: status)
        json.write(",\"method\":")
        json.writeJSONString(method)
        json.write(",\"path\":")
        json.writeJSONString(text(head.target, bytes))
        json.write(",\"connection\":")
        json.write(decimal: number)
        json.write(",\"request_on_connection\":")
        json.write(decimal: onConnection)
        json.write(",\"request\":")
        json.write(decimal: request)
        json.write(",\"headers\":[")
        for (i, h) in head.headers.enumerated() {
            if i > 0 { json.write(",") }
            json.write("[")
            json.writeJSONString(text(h.name, bytes))
            json.write(",")
            json.writeJSONString(text(h.value, bytes))
            json.write("]")
        }
        json.write("],\"body_bytes\":")
        json.write(decimal: body.readableCount)
        json.write(",\"body\":")
        body.withReadableBytes { json.writeJSONString(bytes: $0) }
        if let n = Int(controls["bytes"] ?? ""), n > json.readableCount + 20 {
            json.write(",\"padding\":\"")
            let pad = n - json.readableCount - 3
            json.reserveWritable(pad)
            for i in 0 ..< pad { json.write(byte: UInt8(ascii: "a") + UInt8(i % 26)) }
            json.write("\"")
        }
        json.write("}\n")

        let close = controls["close"] == "1" || !head.keepAlive
        let chunked = controls["chunked"] == "1"
        var out = ByteBuffer(capacity: json.readableCount + 256)
        out.write("HTTP/1.1 ")
        out.write(decimal: status)
        out.write(status < 400 ? " OK\r\n" : " Error\r\n")
        out.write("Content-Type: application/json\r\nX-Echo-Name: ")
        out.write(string: options.name)
        out.write("\r\n")
        if close { out.write("Connection: close\r\n") }
        if let cacheControl = controls["cache-control"] {
            out.write("Cache-Control: ")
            out.write(string: cacheControl)
            out.write("\r\n")
        }
        if chunked {
            out.write("Transfer-Encoding: chunked\r\n\r\n")
            // Several chunks, so a client sees the message arrive in pieces.
            json.withReadableBytes { j in
                var at = 0
                while at < j.count {
                    let n = min(j.count - at, 1000)
                    out.write(hex: n)
                    out.write("\r\n")
                    out.write(UnsafeRawBufferPointer(rebasing: j[at ..< at + n]))
                    out.write("\r\n")
                    at += n
                }
            }
            out.write("0\r\n\r\n")
        } else {
            out.write("Content-Length: ")
            out.write(decimal: json.readableCount)
            out.write("\r\n\r\n")
            json.withReadableBytes { out.write($0) }
        }
        send(out)
        return !close
    }
}

/// One line on stderr, unbuffered.
func printError(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}
