import CYAML
import SwitchyardCore

/// Reads YAML text into a `YAMLNode` tree with libyaml's event parser, keeping line:column marks.
///
/// Decisions: one document per file; anchors, aliases and explicit tags (`&a`, `*a`, `!!str`) are
/// rejected with a diagnostic (a config file should say each value where it applies, and `<<`
/// merge keys are not YAML 1.2 anyway). Syntax errors become diagnostics at libyaml's problem mark,
/// path `(yaml)`. Marks are 1-based; libyaml counts columns in characters.
public enum YAMLReader {
    /// Parses `bytes`; an empty or comment-only file yields a null scalar at 1:1.
    public static func read(_ bytes: [UInt8], file: String) -> Result<YAMLNode, ConfigLoadFailure> {
        var builder = TreeBuilder(file: file, bytes: bytes)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                builder.fail(Mark(line: 1, column: 1), "libyaml could not initialise a parser")
                return
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, base, buffer.count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    builder.syntaxError(parser)
                    return
                }
                let done = event.type == YAML_STREAM_END_EVENT
                builder.handle(event)
                yaml_event_delete(&event)
                if done { return }
            }
        }
        if !builder.diagnostics.isEmpty { return .failure(ConfigLoadFailure(diagnostics: builder.diagnostics)) }
        return .success(builder.root ?? .scalar("", at: Mark(line: 1, column: 1)))
    }
}

/// Turns the event stream into nested nodes with an explicit stack.
private struct TreeBuilder {
    enum Frame {
        case sequence(Mark, [YAMLNode])
        case mapping(Mark, [YAMLNode.Pair], pendingKey: YAMLNode?)
    }

    let file: String
    let bytes: [UInt8]
    var stack: [Frame] = []
    var root: YAMLNode?
    var documents = 0
    var diagnostics: [ConfigDiagnostic] = []

    init(file: String, bytes: [UInt8]) {
        self.file = file
        self.bytes = bytes
    }

    mutating func fail(_ mark: Mark, _ message: String) {
        diagnostics.append(ConfigDiagnostic(file: file, line: mark.line, column: mark.column, path: "(yaml)",
                                            message: message))
    }

    mutating func handle(_ event: yaml_event_t) {
        let mark = Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents == 2 { fail(mark, "only one YAML document is allowed per file (found a second `---`)") }
        case YAML_ALIAS_EVENT:
            fail(mark, "aliases (`*\(Self.text(event.data.alias.anchor))`) are not supported; write the value out")
            append(.scalar("", at: mark))
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            checkAnchorAndTag(s.anchor, s.tag, implicit: s.plain_implicit == 1 || s.quoted_implicit == 1, at: mark)
            let text = String(decoding: UnsafeBufferPointer(start: s.value, count: Int(s.length)), as: UTF8.self)
            let style: YAMLNode.ScalarStyle = s.style == YAML_PLAIN_SCALAR_STYLE ? .plain : .quoted
            append(.scalar(text, style: style, at: mark))
        case YAML_SEQUENCE_START_EVENT:
            let s = event.data.sequence_start
            checkAnchorAndTag(s.anchor, s.tag, implicit: s.implicit == 1, at: mark)
            stack.append(.sequence(mark, []))
        case YAML_MAPPING_START_EVENT:
            let m = event.data.mapping_start
            checkAnchorAndTag(m.anchor, m.tag, implicit: m.implicit == 1, at: mark)
            stack.append(.mapping(mark, [], pendingKey: nil))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            switch stack.popLast() {
            case .sequence(let start, let items)?: append(.sequence(items, at: start))
            case .mapping(let start, let pairs, _)?: append(.mapping(pairs, at: start))
            case nil: break
            }
        default:
            break
        }
    }

    mutating func checkAnchorAndTag(_ anchor: UnsafeMutablePointer<yaml_char_t>?,
                                    _ tag: UnsafeMutablePointer<yaml_char_t>?, implicit: Bool, at mark: Mark) {
        if let anchor { fail(mark, "anchors (`&\(Self.text(anchor))`) are not supported; write the value out") }
        if let tag, !implicit { fail(mark, "tags (`\(Self.text(tag))`) are not supported") }
    }

    /// Adds a finished node to the open collection, or makes it the document root.
    mutating func append(_ node: YAMLNode) {
        guard let top = stack.popLast() else {
            if documents <= 1 { root = node }
            return
        }
        switch top {
        case .sequence(let mark, var items):
            items.append(node)
            stack.append(.sequence(mark, items))
        case .mapping(let mark, var pairs, let pendingKey):
            if let key = pendingKey {
                pairs.append(YAMLNode.Pair(key: key, value: node))
                stack.append(.mapping(mark, pairs, pendingKey: nil))
            } else {
                stack.append(.mapping(mark, pairs, pendingKey: node))
            }
        }
    }

    /// Reports libyaml's error with its position and context ("while parsing a block mapping").
    mutating func syntaxError(_ parser: yaml_parser_t) {
        var mark = Mark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
        if parser.error == YAML_READER_ERROR { mark = self.mark(atOffset: Int(parser.problem_offset)) }
        var message = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        if parser.error == YAML_READER_ERROR { message = "the file is not valid UTF-8 text (\(message))" }
        if let context = parser.context {
            message += " (\(String(cString: context)) started at line \(parser.context_mark.line + 1))"
        }
        fail(mark, "YAML syntax error: " + message)
    }

    /// The line and column (in bytes) of a byte offset, for reader errors that carry only an offset.
    func mark(atOffset offset: Int) -> Mark {
        var line = 1, column = 1
        for b in bytes.prefix(offset) {
            if b == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return Mark(line: line, column: column)
    }

    static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>) -> String {
        String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }
}
