/// The checked keys of one YAML mapping: unknown and duplicate keys already reported.
struct MappingFields {
    /// The mapping node itself (its mark is where "missing key" errors point).
    var mark: Mark
    var path: ConfigPath
    var values: [String: YAMLNode] = [:]

    subscript(key: String) -> YAMLNode? { values[key] }
}

extension ConfigDecoder {
    /// Records one problem; decoding goes on.
    mutating func report(_ mark: Mark, _ path: ConfigPath, _ message: String) {
        diagnostics.append(ConfigDiagnostic(file: file, mark: mark, path: path, message: message))
    }

    /// Reads `node` as a mapping whose keys must be among `keys`.
    ///
    /// Unknown keys (with a "did you mean" hint), duplicate keys and non-scalar keys are reported.
    /// A null node counts as an empty mapping (every key takes its default). Any other non-mapping is
    /// reported and yields nil.
    mutating func fields(_ node: YAMLNode, at path: ConfigPath, keys: [String]) -> MappingFields? {
        var result = MappingFields(mark: node.mark, path: path)
        if node.isNull { return result }
        guard case .mapping(let pairs) = node.kind else {
            report(node.mark, path, "expected a mapping with keys \(keyList(keys)), got \(node.typeDescription)")
            return nil
        }
        var firstSeen: [String: Mark] = [:]
        for pair in pairs {
            guard case .scalar(let name, _) = pair.key.kind else {
                report(pair.key.mark, path, "mapping keys must be plain names, got \(pair.key.typeDescription)")
                continue
            }
            let keyPath = path.key(name)
            if let first = firstSeen[name] {
                report(pair.key.mark, keyPath, "duplicate key `\(name)` (first at line \(first.line))")
                continue
            }
            firstSeen[name] = pair.key.mark
            guard keys.contains(name) else {
                let hint = NameSuggestion.suggest(name, from: keys).map { "; did you mean `\($0)`?" }
                    ?? "; expected one of \(keyList(keys))"
                report(pair.key.mark, keyPath, "unknown key `\(name)`" + hint)
                continue
            }
            result.values[name] = pair.value
        }
        return result
    }

    /// A scalar value under `key`, parsed by `parse`; `fallback` when absent or wrong (after a report).
    ///
    /// `expected` names the form for type errors ("a duration like `5s`"). `check` returns a
    /// message when the parsed value is out of range.
    mutating func scalar<T>(_ f: MappingFields, _ key: String, default fallback: T, expected: String,
                            parse: (String, YAMLNode.ScalarStyle) throws(ConfigValueError) -> T,
                            check: (T) -> String? = { _ in nil }) -> T {
        guard let node = f[key] else { return fallback }
        let path = f.path.key(key)
        guard case .scalar(let text, let style) = node.kind, !node.isNull else {
            report(node.mark, path, "expected \(expected), got \(node.typeDescription)")
            return fallback
        }
        do {
            let value = try parse(text, style)
            if let problem = check(value) {
                report(node.mark, path, problem)
                return fallback
            }
            return value
        } catch {
            report(node.mark, path, error.message)
            return fallback
        }
    }

    /// An integer in `range` (inclusive). Quoted numbers are rejected: `"5"` is a string.
    mutating func integer(_ f: MappingFields, _ key: String, default fallback: Int,
                          in range: ClosedRange<Int> = 0...Int.max) -> Int {
        scalar(f, key, default: fallback, expected: "an integer", parse: Self.parseInteger) { value in
            range.contains(value) ? nil : "\(value) is out of range; \(Self.describe(range))"
        }
    }

    static func parseInteger(_ text: String, _ style: YAMLNode.ScalarStyle) throws(ConfigValueError) -> Int {
        guard style == .plain else { throw ConfigValueError("expected an integer, got the string \"\(text)\"") }
        return try ConfigValueParser.integer(text)
    }

    static func describe(_ range: ClosedRange<Int>) -> String {
        if range.upperBound == Int.max { return "must be at least \(range.lowerBound)" }
        return "must be between \(range.lowerBound) and \(range.upperBound)"
    }

    /// `true` or `false`, unquoted.
    mutating func boolean(_ f: MappingFields, _ key: String, default fallback: Bool) -> Bool {
        scalar(f, key, default: fallback, expected: "`true` or `false`") { text, style throws(ConfigValueError) in
            guard style == .plain else { throw ConfigValueError("expected `true` or `false`, got the string \"\(text)\"") }
            return try ConfigValueParser.boolean(text)
        }
    }

    /// A positive duration (`250ms`, `5s`, `2m`).
    mutating func duration(_ f: MappingFields, _ key: String, default fallback: Duration) -> Duration {
        scalar(f, key, default: fallback, expected: "a duration like `5s`",
               parse: { text, _ throws(ConfigValueError) in try ConfigValueParser.duration(text) },
               check: { $0 > .zero ? nil : "must be longer than zero" })
    }

    /// A byte size (`16KiB`, `1MiB`, `4096`) of at least `minimum` bytes.
    mutating func size(_ f: MappingFields, _ key: String, default fallback: Int, minimum: Int) -> Int {
        scalar(f, key, default: fallback, expected: "a size like `1MiB`",
               parse: { text, _ throws(ConfigValueError) in try ConfigValueParser.size(text) },
               check: { $0 >= minimum ? nil : "\($0) bytes is too small; must be at least \(minimum)" })
    }

    /// A rate in 0...1, written `50%` or `0.5`.
    mutating func rate(_ f: MappingFields, _ key: String, default fallback: Double) -> Double {
        scalar(f, key, default: fallback, expected: "a rate like `50%` or `0.5`",
               parse: { text, _ throws(ConfigValueError) in try ConfigValueParser.rate(text) },
               check: { $0 >= 0 && $0 <= 1 ? nil : "rate is out of range; must be between 0% and 100% (0 and 1)" })
    }

    /// A non-empty string (quoted or plain; a plain null is not a string).
    mutating func string(_ f: MappingFields, _ key: String) -> String? {
        guard f[key] != nil else { return nil }
        let text = scalar(f, key, default: "", expected: "a string") { text, _ throws(ConfigValueError) in
            guard !text.isEmpty else { throw ConfigValueError("must not be empty") }
            return text
        }
        return text.isEmpty ? nil : text
    }

    /// One of an enum's raw values (plus `aliases`), with a "did you mean" hint on typos.
    mutating func choice<E: RawRepresentable & CaseIterable>(_ f: MappingFields, _ key: String, default fallback: E,
                                                             aliases: [String: E] = [:]) -> E where E.RawValue == String {
        let names = E.allCases.map(\.rawValue) + aliases.keys.sorted()
        return scalar(f, key, default: fallback, expected: "one of \(Self.keyList(names))") { text, _ throws(ConfigValueError) in
            if let value = E(rawValue: text) ?? aliases[text] { return value }
            throw ConfigValueError(Self.unknownChoice(text, names: names))
        }
    }

    static func unknownChoice(_ text: String, names: [String]) -> String {
        let hint = NameSuggestion.suggest(text, from: names).map { "; did you mean `\($0)`?" }
            ?? "; expected one of \(keyList(names))"
        return "`\(text)` is not valid" + hint
    }

    /// Reports a missing required key at its mapping.
    mutating func require(_ f: MappingFields, _ key: String, what: String) {
        if f[key] == nil { report(f.mark, f.path.key(key), "missing required key `\(key)` (\(what))") }
    }

    /// `a`, `b` and `c` for messages.
    static func keyList(_ keys: [String]) -> String { keys.map { "`\($0)`" }.joined(separator: ", ") }
    func keyList(_ keys: [String]) -> String { Self.keyList(keys) }
}
