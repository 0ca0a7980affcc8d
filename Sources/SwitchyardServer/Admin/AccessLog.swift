import Glibc
import Synchronization
import SwitchyardCore

/// The shared access-log sink: standard output, a file, or nothing (`log.access`).
///
/// Workers do not write here line by line: each has an `AccessLogBuffer` that batches lines and
/// hands whole buffers to `write(_:)`, one `write(2)` each. The file is opened `O_APPEND`, so
/// buffers from several threads never overwrite each other and each lands whole.
///
/// `reopen()` (on SIGUSR1, after logrotate moved the file) opens the path again and `dup2`s the new
/// file onto the same descriptor number: writers on other threads never see a closed descriptor,
/// and their next write goes to the new file. Thread-safe: every member may be used from any thread.
public final class AccessLog: Sendable {
    public let target: AccessLogTarget
    /// The descriptor written to: 1 for stdout, the file's, or -1 when off. Fixed for life.
    let fd: Int32
    private let droppedBytes = Atomic<Int>(0)

    /// Opens the sink (creating the file, mode 0640, if needed). Throws when the file cannot be opened.
    public init(target: AccessLogTarget) throws {
        self.target = target
        switch target {
        case .off: fd = -1
        case .stdout: fd = STDOUT_FILENO
        case .file(let path): fd = try Self.open(path)
        }
    }

    deinit {
        if case .file = target { Glibc.close(fd) }
    }

    /// False when `log.access: off`: callers skip formatting altogether.
    public var isEnabled: Bool { fd >= 0 }

    /// Bytes that could not be written (a full disk, a non-blocking stdout pipe that was full).
    public var dropped: Int { droppedBytes.load(ordering: .relaxed) }

    /// Writes `bytes` (whole lines) with as few `write(2)` calls as the kernel allows. Never blocks on
    /// a non-blocking descriptor: what does not fit is dropped and counted.
    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard fd >= 0, var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(fd, p, left)
            if n > 0 {
                p += n
                left -= n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            droppedBytes.add(left, ordering: .relaxed)
            return
        }
    }

    /// Opens the file path again and moves the new file onto the same descriptor (log rotation).
    /// No-op for stdout and off. On failure the old file stays in use and the error is thrown.
    public func reopen() throws {
        guard case .file(let path) = target else { return }
        let fresh = try Self.open(path)
        defer { Glibc.close(fresh) }
        guard dup2(fresh, fd) >= 0 else { throw SystemError(call: "dup2(\(path))", errno: errno) }
    }

    private static func open(_ path: String) throws -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw SystemError(call: "open(\(path))", errno: errno) }
        return fd
    }
}
