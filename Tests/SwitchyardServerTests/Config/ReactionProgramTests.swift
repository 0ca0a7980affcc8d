import Foundation
import Testing
@testable import SwitchyardCore
@testable import SwitchyardServer

@Suite struct ReactionProgramTests {
    static func problems(_ command: String) -> [String] {
        let yaml = """
            services:
              - {name: a, routes: ["/"], instances: ["http://127.0.0.1:9001"]}
            reactions:
              - on: instance_down
                exec: {command: \(command)}
            """
        guard case .failure(let f) = ConfigLoader.load(bytes: Array(yaml.utf8), file: "c.yaml") else { return [] }
        return f.diagnostics.map(\.description)
    }

    @Test("an exec program must exist and be executable: an absolute path, or a name found in PATH", arguments: [
        (#"["/bin/sh", "-c", "true"]"#, nil),
        (#"["sh"]"#, nil),
        (#"["/nonexistent/notify"]"#,
         "c.yaml:5:22: reactions[0].exec.command[0]: `/nonexistent/notify` is not an executable file (No such file or directory)"),
        (#"["/etc/passwd"]"#, "c.yaml:5:22: reactions[0].exec.command[0]: `/etc/passwd` is not an executable file (Permission denied)"),
        (#"["/usr/bin"]"#, "c.yaml:5:22: reactions[0].exec.command[0]: `/usr/bin` is not an executable file (Is a directory)"),
    ] as [(String, String?)])
    func programChecked(command: String, expected: String?) {
        #expect(Self.problems(command) == (expected.map { [$0] } ?? []))
    }

    @Test("a bare name not in PATH is refused with the PATH searched")
    func notInPath() {
        let problems = Self.problems(#"["switchyard-no-such-program"]"#)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("c.yaml:5:22: reactions[0].exec.command[0]: no executable `switchyard-no-such-program` in PATH (") == true)
    }
}
