import Glibc
import Testing
@testable import SwitchyardServer

@Suite("SystemdNotifier")
struct SystemdNotifierTests {
    /// A unique abstract name per test, so parallel tests and other processes never collide.
    static func abstractName() -> String { "@switchyard-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" }

    /// A filesystem socket path in a fresh temporary directory.
    static func filesystemPath() -> String { TestPaths.tempDir().appendingPathComponent("notify").path }

    @Test("no notifier without NOTIFY_SOCKET, or with an empty, relative, vsock or over-long one",
          arguments: [[:], ["NOTIFY_SOCKET": ""], ["NOTIFY_SOCKET": "run/notify"],
                      ["NOTIFY_SOCKET": "vsock:2:1234"], ["NOTIFY_SOCKET": "@"],
                      ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 107)],
                      ["NOTIFY_SOCKET": "@" + String(repeating: "x", count: 108)]])
    func absent(environment: [String: String]) {
        #expect(SystemdNotifier(environment: environment) == nil)
    }

    @Test("the longest paths sun_path holds are accepted")
    func longestPaths() {
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 106)]) != nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "@" + String(repeating: "x", count: 107)]) != nil)
    }

    @Test("address length: a path counts its NUL terminator, an abstract name only its leading NUL")
    func addressLength() throws {
        let offset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        let path = try #require(SystemdNotifier.socketAddress("/run/systemd/notify"))
        #expect(Int(path.length) == offset + "/run/systemd/notify".utf8.count + 1)
        #expect(path.bytes[offset] == UInt8(ascii: "/"))
        let abstract = try #require(SystemdNotifier.socketAddress("@sd"))
        #expect(Int(abstract.length) == offset + 3)
        #expect(Array(abstract.bytes[offset..<offset + 3]) == [0, UInt8(ascii: "s"), UInt8(ascii: "d")])
    }

    @Test("every state arrives as one exact datagram, in order", arguments: [true, false])
    func statesInOrder(abstract: Bool) throws {
        let receiver = try DatagramReceiver(notifySocket: abstract ? Self.abstractName() : Self.filesystemPath())
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket]))
        #expect(notifier.socketPath == receiver.notifySocket)

        #expect(notifier.ready(status: "serving 2 services"))
        #expect(notifier.watchdog())
        #expect(notifier.reloading(monotonicMicros: 1_234_567_890))
        #expect(notifier.ready())
        #expect(notifier.status("draining 3 connections"))
        #expect(notifier.stopping())
        #expect(notifier.send("EXTEND_TIMEOUT_USEC=5000000"))

        #expect(receiver.drain() == [
            "READY=1\nSTATUS=serving 2 services",
            "WATCHDOG=1",
            "RELOADING=1\nMONOTONIC_USEC=1234567890",
            "READY=1",
            "STATUS=draining 3 connections",
            "STOPPING=1",
            "EXTEND_TIMEOUT_USEC=5000000",
        ])
    }

    @Test("a status with line breaks stays one STATUS assignment")
    func statusOneLine() throws {
        let receiver = try DatagramReceiver(notifySocket: Self.abstractName())
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket]))
        #expect(notifier.status("reload failed:\nline 3\r\nline 9"))
        #expect(notifier.ready(status: "a\nb"))
        #expect(receiver.drain() == ["STATUS=reload failed: line 3  line 9", "READY=1\nSTATUS=a b"])
    }

    @Test("sending to a socket nobody listens on reports failure")
    func nobodyListening() throws {
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": Self.filesystemPath()]))
        #expect(notifier.send("READY=1") == false)
        let abstract = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": Self.abstractName()]))
        #expect(abstract.watchdog() == false)
    }

    @Test("the notifier's socket is close-on-exec")
    func closeOnExec() throws {
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": Self.abstractName()]))
        let flags = fcntl(notifier.fd, F_GETFD)
        #expect(flags >= 0 && flags & FD_CLOEXEC != 0)
    }

    @Test("watchdog interval from WATCHDOG_USEC, for this pid only", arguments: [
        (["WATCHDOG_USEC": "10000000"], Duration?.some(.seconds(10))),
        (["WATCHDOG_USEC": "2500", "WATCHDOG_PID": "4242"], .some(.microseconds(2500))),
        (["WATCHDOG_USEC": "2500", "WATCHDOG_PID": "4243"], nil),
        (["WATCHDOG_USEC": "2500", "WATCHDOG_PID": "x"], nil),
        (["WATCHDOG_USEC": "0"], nil),
        (["WATCHDOG_USEC": "-5"], nil),
        (["WATCHDOG_USEC": "10s"], nil),
        (["WATCHDOG_PID": "4242"], nil),
        ([:], nil),
    ])
    func watchdogInterval(environment: [String: String], expected: Duration?) {
        #expect(SystemdNotifier.watchdogInterval(environment: environment, pid: 4242) == expected)
    }

    @Test("watchdog interval defaults to this process's pid")
    func watchdogOwnPID() {
        let env = ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": String(getpid())]
        #expect(SystemdNotifier.watchdogInterval(environment: env) == .seconds(30))
    }

    @Test("the monotonic clock in microseconds moves forward")
    func monotonic() {
        let a = SystemdNotifier.monotonicMicrosNow()
        let b = SystemdNotifier.monotonicMicrosNow()
        #expect(a > 0 && b >= a)
    }
}
