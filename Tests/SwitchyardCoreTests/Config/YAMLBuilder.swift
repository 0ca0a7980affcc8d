@testable import SwitchyardCore

/// A compact way to write YAML trees in tests. Marks are assigned in document order: every node
/// (keys included) gets the next line, so a tree built here reads top to bottom like a file.
indirect enum Y: ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    case plain(String)
    case quoted(String)
    case list([Y])
    case map([(String, Y)])

    init(stringLiteral value: String) { self = .plain(value) }
    init(arrayLiteral elements: Y...) { self = .list(elements) }
    init(dictionaryLiteral elements: (String, Y)...) { self = .map(elements) }

    var node: YAMLNode {
        var line = 0
        return build(&line)
    }

    private func build(_ line: inout Int) -> YAMLNode {
        line += 1
        let mark = Mark(line: line, column: 1)
        switch self {
        case .plain(let s): return .scalar(s, at: mark)
        case .quoted(let s): return .scalar(s, style: .quoted, at: mark)
        case .list(let items): return .sequence(items.map { $0.build(&line) }, at: mark)
        case .map(let pairs):
            return .mapping(pairs.map { key, value in
                line += 1
                let k = YAMLNode.scalar(key, at: Mark(line: line, column: 1))
                return YAMLNode.Pair(key: k, value: value.build(&line))
            }, at: mark)
        }
    }
}

/// Decodes `y` as file `t.yaml`.
func decode(_ y: Y) -> Result<Config, ConfigLoadFailure> { ConfigDecoder.decode(y.node, file: "t.yaml") }

/// The diagnostics for `y` as `path: message`; empty when it decoded.
func problems(_ y: Y) -> [String] {
    if case .failure(let f) = decode(y) { return f.diagnostics.map { "\($0.path): \($0.message)" } }
    return []
}

/// A minimal valid service.
let demoService: Y = ["name": "demo", "routes": ["/"], "instances": ["http://127.0.0.1:9001"]]
