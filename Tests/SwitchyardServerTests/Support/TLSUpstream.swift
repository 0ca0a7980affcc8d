import Foundation
import Glibc

/// A small HTTPS server on loopback for batch parts to `https://` URLs: Python's `http.server`
/// behind `ssl`, with a self-signed certificate for `IP:127.0.0.1` made by `openssl` for the test.
/// It answers every GET and POST with `{"tls":true,"method":...,"path":...,"body":...}`.
final class TLSUpstream {
    let process: TestProcess
    let port: UInt16
    /// The certificate the proxy must trust (`multiplex.ca_file`).
    let certificatePath: String
    var url: String { "https://127.0.0.1:\(port)" }

    static let script = """
        import http.server, json, ssl, sys
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def answer(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n).decode()
                out = json.dumps({"tls": True, "method": self.command, "path": self.path, "body": body}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)
            do_GET = answer
            do_POST = answer
            def log_message(self, *args): pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.serve_forever()
        """

    init() throws {
        let dir = TestPaths.tempDir()
        certificatePath = dir.appendingPathComponent("cert.pem").path
        let key = dir.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", key, "-out", certificatePath, "-days", "1", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw TestError("openssl could not make a certificate") }
        let scriptPath = dir.appendingPathComponent("tls_upstream.py").path
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        port = Net.freePort()
        process = try TestProcess("/usr/bin/env", ["python3", scriptPath, "\(port)", certificatePath, key], name: "tls-\(port)")
        guard Net.waitForPort(port) else { throw TestError("the TLS upstream did not start: \(process.output)") }
    }
}

/// A loopback listener that never accepts: whether anything connected to it shows in its queue.
final class ConnectionWitness {
    let port: UInt16
    private let fd: Int32

    init() throws {
        (fd, port) = try loopbackListener(backlog: 16, flags: Int32(SOCK_NONBLOCK.rawValue))
    }

    deinit { Glibc.close(fd) }

    /// Connections made to it so far (accepted and closed now).
    func connections() -> Int {
        var n = 0
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 { return n }
            Glibc.close(c)
            n += 1
        }
    }
}
