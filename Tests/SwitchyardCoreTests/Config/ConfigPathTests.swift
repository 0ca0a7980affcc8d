import Testing
@testable import SwitchyardCore

@Suite struct ConfigPathTests {
    @Test("paths render as keys joined by dots with list indices in brackets")
    func rendering() {
        #expect(ConfigPath.root.description == "(root)")
        #expect(ConfigPath.root.key("services").index(1).key("instances").index(0).key("url").description
                == "services[1].instances[0].url")
        #expect(ConfigPath.root.key("listen").index(2).description == "listen[2]")
    }

    @Test("diagnostics render as file:line:col: path: message")
    func diagnostic() {
        let d = ConfigDiagnostic(file: "c.yaml", mark: Mark(line: 3, column: 7), path: .root.key("workers"),
                                 message: "boom")
        #expect(d.description == "c.yaml:3:7: workers: boom")
        #expect(ConfigDiagnostic(file: "c.yaml", line: 0, column: 0, path: "", message: "cannot read").description
                == "c.yaml: cannot read")
    }
}
