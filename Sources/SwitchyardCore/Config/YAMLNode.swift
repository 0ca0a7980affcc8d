/// A position in a config file: 1-based line and column, as editors count them.
public struct Mark: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
    public static func < (a: Mark, b: Mark) -> Bool { (a.line, a.column) < (b.line, b.column) }
    public var description: String { "\(line):\(column)" }
}

/// A neutral YAML tree: what the libyaml reader produces and `ConfigDecoder` consumes.
///
/// Scalars keep their text untyped (libyaml types nothing); the decoder decides what `5`, `true` or
/// `null` mean where it reads them. `style` tells a quoted `"5"` from a plain `5`. Mappings keep
/// their pairs in file order, duplicates included, so the decoder can report them.
public struct YAMLNode: Sendable, Equatable {
    public enum ScalarStyle: Sendable, Equatable {
        /// Unquoted (plain) text, which may mean a number, a boolean or null.
        case plain
        /// Single- or double-quoted, literal or folded text: always a string.
        case quoted
    }

    /// One key/value entry of a mapping.
    public struct Pair: Sendable, Equatable {
        public var key: YAMLNode
        public var value: YAMLNode
        public init(key: YAMLNode, value: YAMLNode) { self.key = key; self.value = value }
    }

    public enum Kind: Sendable, Equatable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([Pair])
    }

    public var kind: Kind
    /// Where the node starts in the file.
    public var mark: Mark

    public init(_ kind: Kind, mark: Mark) { self.kind = kind; self.mark = mark }

    public static func scalar(_ text: String, style: ScalarStyle = .plain, at mark: Mark) -> YAMLNode {
        YAMLNode(.scalar(text, style), mark: mark)
    }
    public static func sequence(_ items: [YAMLNode], at mark: Mark) -> YAMLNode { YAMLNode(.sequence(items), mark: mark) }
    public static func mapping(_ pairs: [Pair], at mark: Mark) -> YAMLNode { YAMLNode(.mapping(pairs), mark: mark) }

    /// The scalar's text when the node is a scalar.
    public var scalarText: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    /// True for a plain `null`, `~` or empty scalar (YAML 1.2 core schema); a quoted `"null"` is a string.
    public var isNull: Bool {
        guard case .scalar(let text, .plain) = kind else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    /// The node for error messages: "a mapping", "a list", "null", `` `text` `` or `"text"` (quoted).
    public var typeDescription: String {
        switch kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let text, .quoted): return "the string \"\(text)\""
        case .scalar(let text, .plain): return isNull ? "null" : "`\(text)`"
        }
    }
}
