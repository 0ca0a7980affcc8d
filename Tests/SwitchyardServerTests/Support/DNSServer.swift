import Foundation
import Glibc

/// A real DNS server on loopback for discovery tests: Debian's `dnsmasq` (installed by the Makefile),
/// authoritative for `test.internal`, serving the A and SRV records the test sets. A records live in
/// a hosts file in a `--hostsdir`, which dnsmasq watches with inotify (no signal needed: a test
/// runner may block SIGHUP in its children); SRV records are command-line options, so changing them
/// restarts the server on the same port (a moment without a server, which discovery must ride out).
final class DNSServer {
    /// `name -> addresses` (A records) and SRV records.
    struct Records {
        var a: [String: [String]] = [:]
        var srv: [(name: String, target: String, port: UInt16, priority: Int, weight: Int)] = []
    }

    let port: UInt16
    var resolver: String { "127.0.0.1:\(port)" }
    let ttl: Int
    private let dir: URL
    private var process: TestProcess?
    private(set) var records: Records

    init(_ records: Records, ttl: Int = 1) throws {
        port = DNSServer.freeUDPPort()
        self.ttl = ttl
        self.records = records
        dir = TestPaths.tempDir()
        try start()
    }

    deinit { process?.stop() }

    private var hostsDir: String { dir.appendingPathComponent("hosts.d").path }

    /// Writes the hosts file beside the watched folder, then renames it in (dnsmasq sees a whole file).
    private func writeHosts() throws {
        var text = ""
        for (name, addresses) in records.a.sorted(by: { $0.key < $1.key }) {
            for a in addresses { text += "\(a) \(name)\n" }
        }
        try FileManager.default.createDirectory(atPath: hostsDir, withIntermediateDirectories: true)
        let staged = dir.appendingPathComponent("hosts.tmp").path
        try text.write(toFile: staged, atomically: false, encoding: .utf8)
        guard rename(staged, hostsDir + "/hosts") == 0 else { throw TestError("rename failed: \(errno)") }
    }

    private func start() throws {
        try writeHosts()
        var args = ["--no-daemon", "--port=\(port)", "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv",
                    "--no-hosts", "--conf-file=/dev/null", "--local=/test.internal/", "--hostsdir=\(hostsDir)",
                    "--local-ttl=\(ttl)", "--auth-ttl=\(ttl)", "--log-queries", "--pid-file="]
        for r in records.srv { args.append("--srv-host=\(r.name),\(r.target),\(r.port),\(r.priority),\(r.weight)") }
        process = try TestProcess(Self.binary, args, name: "dnsmasq-\(port)")
        guard waitUntilAnswering() else { throw TestError("dnsmasq did not start: \(process?.output ?? "")") }
    }

    /// Replaces the A records (the server keeps running and reads the new file by itself).
    func setA(_ a: [String: [String]]) throws {
        records.a = a
        try writeHosts()
    }

    /// Replaces every record; SRV changes restart the server on the same port.
    func restart(with next: Records) throws {
        stop()
        records = next
        try start()
    }

    func stop() {
        process?.stop()
        process = nil
    }

    var output: String { process?.output ?? "" }

    static var binary: String {
        for p in ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq"] where FileManager.default.isExecutableFile(atPath: p) { return p }
        return "/usr/sbin/dnsmasq"
    }

    /// Whether a UDP query to the server gets an answer within a second.
    private func waitUntilAnswering() -> Bool {
        let end = Date().addingTimeInterval(5)
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var tv = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        // A query for `test.internal` SOA: any answer (even NXDOMAIN) means the server is up.
        let query: [UInt8] = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
                              4, 0x74, 0x65, 0x73, 0x74, 8, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c, 0, 0, 6, 0, 1]
        var buffer = [UInt8](repeating: 0, count: 512)
        while Date() < end {
            _ = withUnsafePointer(to: &addr) { a in
                a.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, query, query.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if recv(fd, &buffer, buffer.count, 0) > 0 { return true }
        }
        return false
    }

    /// A UDP port on 127.0.0.1 that was free a moment ago (and whose TCP twin was too).
    static func freeUDPPort() -> UInt16 {
        while true {
            let port = Net.freePort()
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = port.bigEndian
            let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
            close(fd)
            if ok { return port }
        }
    }
}
