import Foundation
import Glibc

/// A child process started by a test (the real `switchyard` or `switchyard-echo`), killed when the
/// test is done. Output goes to a file so a failing test can show it.
final class TestProcess: @unchecked Sendable {
    let process = Process()
    let logURL: URL
    let name: String

    init(_ path: String, _ arguments: [String], name: String, environment: [String: String]? = nil) throws {
        self.name = name
        logURL = TestPaths.tempDir().appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logURL)
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Everything the process printed so far.
    var output: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits up to `timeout` for the process to exit; returns its status or nil.
    @discardableResult
    func waitForExit(timeout: Double = 10) -> Int32? {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < end { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// SIGKILLs the process if it still runs and waits up to 5 s for it. Bounded on purpose: on Linux,
    /// Foundation's `Process` can miss a child's exit when tests start processes in parallel (the child
    /// stays a zombie; swift-corelibs-foundation#4795), and `waitUntilExit()` then hangs the test run.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            waitForExit(timeout: 5)
        }
    }

    deinit { stop() }
}

/// Test networking helpers: free ports and waiting for a listener.
enum Net {
    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            getsockname(fd, $0, &len) } }
        return UInt16(bigEndian: addr.sin_port)
    }

    /// True once something accepts TCP connections on `port`, false after `timeout` seconds.
    static func waitForPort(_ port: UInt16, host: String = "127.0.0.1", timeout: Double = 10) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if let c = try? RawConnection(host: host, port: port, timeout: 0.5) { c.close(); return true }
            usleep(20_000)
        }
        return false
    }
}
