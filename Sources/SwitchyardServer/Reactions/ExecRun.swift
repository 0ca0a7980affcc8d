import CLinuxShims
import Glibc
import SwitchyardCore

/// One run of an `exec` reaction (SPEC section 9): the program started with `posix_spawnp` (no
/// shell; a bare name is looked up in `PATH`), the event in its environment (added to the proxy's,
/// less systemd's hand-over variables, `withheld`), stdin `/dev/null`,
/// stdout and stderr into one pipe the loop reads (the first `outputLimit` bytes are kept for the
/// log, the rest is read and dropped so the program never blocks on a full pipe).
///
/// The program runs in its own process group. Its exit is seen through a pidfd on the loop and
/// reaped with `waitpid(WNOHANG)`; nothing waits. At the time limit the group gets SIGTERM, and
/// SIGKILL `killGrace` later if it is still there.
///
/// Loop-confined. The run keeps itself alive (registered with the loop) until the program exited.
final class ExecRun: EventHandler {
    static let outputLimit = 4096
    static let killGrace = Duration.seconds(1)
    /// Variables of the proxy's environment a program does not inherit.
    static let withheld = ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_USEC", "WATCHDOG_PID"]

    private let loop: EventLoop
    private let pid: pid_t
    private let started: Instant
    private let limit: Duration
    private var output: ExecOutput?
    private var terminated = false
    private let finished: (ReactionOutcome, [UInt8]) -> Void

    /// Starts `command`; throws when the pipe, the spawn or the pidfd fails (nothing is left running).
    init(loop: EventLoop, command: [String], environment: [(String, String)], timeout: Duration,
         finished: @escaping (ReactionOutcome, _ output: [UInt8]) -> Void) throws {
        var fds: [Int32] = [-1, -1]
        guard sy_pipe_for_child(&fds) == 0 else { throw SystemError.last("pipe2") }
        let pid: pid_t
        do {
            pid = try Self.spawn(command, environment: Self.environment(ProcessInfoLite.environment, adding: environment),
                                 outputFd: fds[1])
        } catch {
            Glibc.close(fds[0])
            Glibc.close(fds[1])
            throw error
        }
        Glibc.close(fds[1])
        let pidfd = sy_pidfd_open(pid)
        guard pidfd >= 0 else {
            let error = SystemError.last("pidfd_open")
            Self.killAndReap(pid)
            Glibc.close(fds[0])
            throw error
        }
        self.loop = loop
        self.pid = pid
        self.started = loop.now
        self.limit = timeout
        self.finished = finished
        super.init(fd: pidfd)
        let out = ExecOutput(fd: fds[0], loop: loop)
        if loop.register(out, interest: .readable) { output = out } else { Glibc.close(fds[0]) }
        guard loop.register(self, interest: .readable) else {
            // Without its pidfd in the loop nothing would reap it: end it now.
            output?.close()
            Self.killAndReap(pid)
            Glibc.close(pidfd)
            throw SystemError(call: "epoll_ctl(pidfd)", errno: EINVAL, message: "cannot watch the program's exit")
        }
        loop.wakeUp(self, at: started + timeout)
    }

    /// The program's environment as `NAME=value` entries: `base` (the proxy's) less `withheld`
    /// (systemd's hand-over to this process is not the program's: sd_notify or sd_listen_fds in it
    /// would act for the proxy), with `added` (the event's variables) replacing what they name.
    static func environment(_ base: [String: String], adding added: [(String, String)]) -> [String] {
        var merged = base
        for key in withheld { merged[key] = nil }
        for (key, value) in added { merged[key] = value }
        return merged.map { "\($0.key)=\($0.value)" }.sorted()
    }

    /// The process exited (its pidfd is readable): reap it, take the output, report.
    override func handleEvent(_ events: IOEvents) {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        guard r == pid || (r < 0 && errno == ECHILD) else { return }
        loop.cancelWakeUp(self)
        loop.deregister(self, closing: true)
        Glibc.close(fd)
        var bytes: [UInt8] = []
        if let output {
            output.drain()
            bytes = output.kept
            output.close()
        }
        output = nil
        let took = ReactionOutcome.elapsed(since: started, now: loop.now)
        let exited = status & 0x7F == 0
        let code = (status >> 8) & 0xFF
        let signal = status & 0x7F
        let outcome: ReactionOutcome = if terminated {
            .failed("killed after the \(ReactionOutcome.elapsed(since: started, now: started + limit)) time limit")
        } else if exited && code == 0 {
            .executed("exit 0 in \(took)")
        } else if exited {
            .failed("exit \(code) in \(took)")
        } else {
            .failed("killed by signal \(signal) after \(took)")
        }
        finished(outcome, bytes)
    }

    /// The time limit: SIGTERM to the group, then SIGKILL after `killGrace`.
    override func timerFired(now: Instant) {
        if !terminated {
            terminated = true
            kill(-pid, SIGTERM)
            loop.wakeUp(self, at: now + Self.killGrace)
        } else {
            kill(-pid, SIGKILL)
        }
    }

    /// Set-up failed after the spawn: SIGKILL to the group, then a (short) blocking reap.
    private static func killAndReap(_ pid: pid_t) {
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    private static func spawn(_ command: [String], environment: [String], outputFd: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputFd, 1)
        posix_spawn_file_actions_adddup2(&actions, outputFd, 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // The control thread blocks the signals its signalfd reads, and ignores SIGPIPE: the child
        // starts with an empty mask and default dispositions instead.
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attr, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGCHLD] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let argv = command.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, command[0], &actions, &attr, argv, envp)
        guard rc == 0 else {
            throw SystemError(call: "posix_spawnp", errno: rc, message: "cannot run \(command[0]): \(String(cString: strerror(rc)))")
        }
        return pid
    }
}

@available(*, unavailable)
extension ExecRun: Sendable {}

/// The read end of an exec run's output pipe: keeps the first `ExecRun.outputLimit` bytes.
private final class ExecOutput: EventHandler {
    private unowned let loop: EventLoop
    private(set) var kept: [UInt8] = []
    private var isClosed = false

    init(fd: Int32, loop: EventLoop) {
        self.loop = loop
        super.init(fd: fd)
    }

    override func handleEvent(_ events: IOEvents) { drain() }

    /// Reads what the pipe holds now (it is non-blocking); stops watching at end of stream.
    func drain() {
        guard !isClosed else { return }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let r = chunk.withUnsafeMutableBytes { Posix.read(fd, into: $0) }
            switch r {
            case .done(let n):
                let room = ExecRun.outputLimit - kept.count
                if room > 0 { kept += chunk[0..<min(n, room)] }
            case .wouldBlock:
                return
            case .closed, .failed:
                close()
                return
            }
        }
    }

    /// Stops watching the pipe and closes it (at end of stream, or when the program exited: a
    /// process it left behind may hold the write end open).
    func close() {
        guard !isClosed else { return }
        isClosed = true
        loop.deregister(self, closing: true)
        Glibc.close(fd)
    }
}
