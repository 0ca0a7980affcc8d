import Foundation
import Testing

/// `switchyard check`, `--help`, `--version` and usage errors, run as the real binary.
@Suite(.timeLimit(.minutes(1))) struct CheckCommandTests {
    func run(_ arguments: [String]) throws -> (status: Int32?, output: String) {
        let process = try TestProcess(TestPaths.switchyard, arguments, name: "switchyard-check")
        let status = process.waitForExit(timeout: 20)
        return (status, process.output)
    }

    func fixture(_ name: String) -> String { TestPaths.fixtures.appendingPathComponent("configs/\(name)").path }

    @Test("check on a valid file prints the summary and exits 0")
    func valid() throws {
        let (status, output) = try run(["check", "--config", fixture("valid-minimal.yaml")])
        #expect(status == 0)
        #expect(output == "config OK: 1 service, 1 instance, listen 0.0.0.0:8080, admin 127.0.0.1:9901\n")
    }

    @Test("check on a broken file prints every diagnostic and exits 1")
    func broken() throws {
        let path = fixture("many-errors.yaml")
        let (status, output) = try run(["check", "-c", path])
        #expect(status == 1)
        let lines = output.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.first == "\(path):7:10: workers: 0 workers is out of range; must be between 1 and 1024")
        #expect(lines.last == "\(path): 5 errors")
    }

    @Test("--config=PATH works and a missing file exits 1")
    func missing() throws {
        let (status, output) = try run(["check", "--config=/nonexistent.yaml"])
        #expect(status == 1)
        #expect(output.hasPrefix("/nonexistent.yaml: cannot open config file"))
    }

    @Test("an unknown flag is a usage error with exit status 2")
    func unknownFlag() throws {
        let (status, output) = try run(["--bogus"])
        #expect(status == 2)
        #expect(output.contains("unknown option `--bogus`"))
    }

    @Test("--help explains every flag, subcommand and signal; --version prints the version")
    func help() throws {
        let (status, output) = try run(["--help"])
        #expect(status == 0)
        for word in ["check", "--config", "-c", "--help", "--version", "SIGHUP", "SIGTERM", "SIGINT", "SIGUSR1"] {
            #expect(output.contains(word), "help lacks \(word)")
        }
        let version = try run(["--version"])
        #expect(version.status == 0 && version.output.hasPrefix("switchyard "))
    }

    @Test("run mode with a broken config exits 1 before starting")
    func runBroken() throws {
        let (status, output) = try run(["--config", fixture("services-empty.yaml")])
        #expect(status == 1)
        #expect(output.contains("services: at least one service is required"))
    }
}
