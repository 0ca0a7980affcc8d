import Glibc
import Testing
@testable import SwitchyardServer

@Suite("SocketActivation")
struct SocketActivationTests {
    @Test("LISTEN_FDS for this pid names fds 3..<3+n, with LISTEN_FDNAMES when one name per fd")
    func passedFDs() throws {
        let env = ["LISTEN_PID": "4242", "LISTEN_FDS": "3", "LISTEN_FDNAMES": "http:admin:"]
        let passed = try #require(SocketActivation.passedFDs(environment: env, pid: 4242))
        #expect(passed.map(\.fd) == [3, 4, 5])
        #expect(passed.map(\.name) == ["http", "admin", ""])
    }

    @Test("names are dropped when LISTEN_FDNAMES is missing or does not match LISTEN_FDS",
          arguments: [nil, "http", "a:b:c"])
    func namesMismatch(names: String?) throws {
        var env = ["LISTEN_PID": "4242", "LISTEN_FDS": "2"]
        env["LISTEN_FDNAMES"] = names
        let passed = try #require(SocketActivation.passedFDs(environment: env, pid: 4242))
        #expect(passed.map(\.fd) == [3, 4])
        #expect(passed.map(\.name) == [nil, nil])
    }

    @Test("nothing is adopted for another pid, a missing pid, or a bad count", arguments: [
        ["LISTEN_PID": "4243", "LISTEN_FDS": "1"],
        ["LISTEN_FDS": "1"],
        ["LISTEN_PID": "4242"],
        ["LISTEN_PID": "4242", "LISTEN_FDS": "0"],
        ["LISTEN_PID": "4242", "LISTEN_FDS": "-1"],
        ["LISTEN_PID": "4242", "LISTEN_FDS": "two"],
        ["LISTEN_PID": "4242", "LISTEN_FDS": "2147483647"],
        [:],
    ])
    func notActivated(environment: [String: String]) {
        #expect(SocketActivation.passedFDs(environment: environment, pid: 4242) == nil)
        #expect(SocketActivation.listenFDs(environment: environment, pid: 4242).isEmpty)
    }

    @Test("a pid mismatch against this process adopts nothing and leaves fds alone")
    func ownPIDMismatch() {
        let env = ["LISTEN_PID": String(getpid() + 1), "LISTEN_FDS": "1"]
        #expect(SocketActivation.listenFDs(environment: env).isEmpty)
        #expect(SocketActivation.namedListenFDs(environment: env).isEmpty)
    }

    @Test("prepare makes an fd non-blocking and close-on-exec; a closed fd fails")
    func prepare() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        #expect(SocketActivation.prepare(fd))
        #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0)
        #expect(fcntl(fd, F_GETFL) & O_NONBLOCK != 0)
        let closed = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        close(closed)
        #expect(SocketActivation.prepare(closed) == false)
    }

    @Test("boundPort reads back an IPv4 listener's host and kernel-chosen port")
    func boundIPv4() throws {
        let fd = try Self.listener(family: AF_INET)
        defer { close(fd) }
        let bound = try #require(SocketActivation.boundPort(fd))
        #expect(bound.host == "127.0.0.1")
        #expect(bound.port != 0)
        #expect(SocketActivation.isListeningStream(fd))
    }

    @Test("boundPort reads back an IPv6 listener without brackets")
    func boundIPv6() throws {
        guard let fd = try? Self.listener(family: AF_INET6) else { return }  // no IPv6 on this host
        defer { close(fd) }
        let bound = try #require(SocketActivation.boundPort(fd))
        #expect(bound.host == "::1")
        #expect(bound.port != 0)
    }

    @Test("boundPort is nil for non-sockets and unix sockets; isListeningStream false for them")
    func boundOther() throws {
        #expect(SocketActivation.boundPort(-1) == nil)
        let unix = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(unix >= 0)
        defer { close(unix) }
        #expect(SocketActivation.boundPort(unix) == nil)
        #expect(SocketActivation.isListeningStream(unix) == false)
        let idle = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(idle) }
        #expect(SocketActivation.isListeningStream(idle) == false)
    }

    /// A loopback TCP listener on port 0 of `family`.
    static func listener(family: Int32) throws -> Int32 {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestError("socket failed") }
        var result: Int32
        if family == AF_INET {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            result = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        } else {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_addr = in6addr_loopback
            result = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        guard result == 0, listen(fd, 8) == 0 else {
            close(fd)
            throw TestError("bind/listen failed: errno \(errno)")
        }
        return fd
    }
}
