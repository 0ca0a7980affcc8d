import Glibc
import SwitchyardCore
import Testing
@testable import SwitchyardServer

@Suite(.timeLimit(.minutes(1))) struct ExecRunTests {
    /// Runs `command` on a fresh loop until it ends; its outcome and output.
    static func run(_ command: [String], environment: [(String, String)] = [], timeout: Duration = .seconds(5))
        throws -> (ReactionOutcome, String) {
        let loop = try EventLoop(index: 0)
        var result: (ReactionOutcome, String)?
        _ = try ExecRun(loop: loop, command: command, environment: environment, timeout: timeout) { outcome, output in
            result = (outcome, String(decoding: output, as: UTF8.self))
            loop.handle.stop()
        }
        loop.runBounded(limit: .seconds(10))
        guard let result else { throw ExecRunFailure() }
        return result
    }

    struct ExecRunFailure: Error {}

    @Test("a program gets the event variables and the proxy's environment, stdin is empty, stdout and stderr are kept")
    func environmentAndOutput() throws {
        let (outcome, output) = try Self.run(["/bin/sh", "-c", #"echo "$SWITCHYARD_EVENT ${PATH:+path}"; cat; echo err >&2"#],
                                             environment: [("SWITCHYARD_EVENT", "instance_down")])
        #expect(outcome.outcome == .executed && outcome.detail.hasPrefix("exit 0 in "))
        #expect(output == "instance_down path\nerr\n")
    }

    @Test("the environment is the proxy's less systemd's hand-over variables, with the event's added")
    func withheld() {
        let base = ["PATH": "/usr/bin:/bin", "NOTIFY_SOCKET": "/run/systemd/notify", "LISTEN_FDS": "1", "LISTEN_PID": "7",
                    "WATCHDOG_USEC": "10000000", "SWITCHYARD_EVENT": "stale"]
        #expect(ExecRun.environment(base, adding: [("SWITCHYARD_EVENT", "instance_down")])
                == ["PATH=/usr/bin:/bin", "SWITCHYARD_EVENT=instance_down"])
    }

    @Test("a non-zero exit is a failure with its status; a program killed by a signal says which")
    func failures() throws {
        let (exit3, _) = try Self.run(["/bin/sh", "-c", "exit 3"])
        #expect(exit3.outcome == .failed && exit3.detail.hasPrefix("exit 3 in "))
        let (killed, _) = try Self.run(["/bin/sh", "-c", "kill -9 $$"])
        #expect(killed.outcome == .failed && killed.detail.hasPrefix("killed by signal 9 after "))
    }

    @Test("output beyond the limit is read and dropped: the program never blocks on a full pipe")
    func outputBounded() throws {
        let (outcome, output) = try Self.run(["/bin/sh", "-c", "yes x | head -c 200000"])
        #expect(outcome.outcome == .executed)
        #expect(output.utf8.count == ExecRun.outputLimit && output.allSatisfy { $0 == "x" || $0 == "\n" })
    }

    @Test("a program that ignores SIGTERM is killed with SIGKILL after the grace time")
    func ignoresTerm() throws {
        let start = MonotonicClock.now()
        let (outcome, _) = try Self.run(["/bin/sh", "-c", "trap '' TERM; while :; do sleep 0.05; done"], timeout: .milliseconds(200))
        let took = MonotonicClock.now() - start
        #expect(outcome.outcome == .failed && outcome.detail == "killed after the 200 ms time limit")
        #expect(took >= .milliseconds(1100) && took < .seconds(5))
    }

    @Test("a program that cannot be started throws and leaves nothing running")
    func spawnFailure() throws {
        let loop = try EventLoop(index: 0)
        #expect(throws: SystemError.self) {
            _ = try ExecRun(loop: loop, command: ["/nonexistent/program"], environment: [], timeout: .seconds(1)) { _, _ in }
        }
    }
}
