import Foundation
import Testing
@testable import SwitchyardCore
@testable import SwitchyardServer

@Suite struct ConfigLoaderTests {
    @Test("an unreadable file is one diagnostic naming the file and the OS error")
    func missingFile() {
        guard case .failure(let f) = ConfigLoader.load(path: "/nonexistent/switchyard.yaml") else {
            Issue.record("loaded a missing file")
            return
        }
        #expect(f.diagnostics.map(\.description)
                == ["/nonexistent/switchyard.yaml: cannot open config file: No such file or directory"])
    }

    @Test("a directory is not a config file")
    func directory() {
        guard case .failure(let f) = ConfigLoader.load(path: "/tmp") else {
            Issue.record("loaded a directory")
            return
        }
        #expect(f.diagnostics.first?.message.contains("Is a directory") == true)
    }

    @Test("the reader keeps marks, styles and pair order")
    func readerTree() throws {
        let yaml = "b: 1\na:\n  - 'x'\n  - {k: v}\n"
        let root = try YAMLReader.read(Array(yaml.utf8), file: "t").get()
        guard case .mapping(let pairs) = root.kind else { Issue.record("not a mapping"); return }
        #expect(pairs.map { $0.key.scalarText } == ["b", "a"])
        #expect(pairs[0].value == .scalar("1", at: Mark(line: 1, column: 4)))
        guard case .sequence(let items) = pairs[1].value.kind else { Issue.record("not a list"); return }
        #expect(pairs[1].value.mark == Mark(line: 3, column: 3))
        #expect(items[0] == .scalar("x", style: .quoted, at: Mark(line: 3, column: 5)))
        #expect(items[1].mark == Mark(line: 4, column: 5))
    }

    @Test("an empty or comment-only file reads as a null root")
    func emptyInput() throws {
        #expect(try YAMLReader.read([], file: "t").get().isNull)
        #expect(try YAMLReader.read(Array("# nothing\n".utf8), file: "t").get().isNull)
    }

    @Test("invalid UTF-8 is a syntax diagnostic at its position")
    func invalidUTF8() {
        let bytes = Array("a: 1\nb: ".utf8) + [0xFF, 0x0A]
        guard case .failure(let f) = YAMLReader.read(bytes, file: "t") else {
            Issue.record("read invalid UTF-8")
            return
        }
        #expect(f.diagnostics.count == 1)
        #expect(f.diagnostics.first.map { "\($0.line):\($0.column) \($0.path)" } == "2:4 (yaml)")
        #expect(f.diagnostics.first?.message.contains("not valid UTF-8") == true)
    }

    @Test("explicit tags are rejected")
    func tags() {
        guard case .failure(let f) = YAMLReader.read(Array("workers: !!str 4\n".utf8), file: "t") else {
            Issue.record("accepted a tag")
            return
        }
        #expect(f.diagnostics.map(\.description) == ["t:1:10: (yaml): tags (`tag:yaml.org,2002:str`) are not supported"])
    }
}
