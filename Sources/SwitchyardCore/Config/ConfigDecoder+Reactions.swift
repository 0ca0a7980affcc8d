extension ConfigDecoder {
    static let reactionKeys = ["name", "on", "trigger", "every", "webhook", "exec", "email", "log"]
    static let reactionKinds = ["webhook", "exec", "email", "log"]
    static let webhookKeys = ["url", "headers", "body", "timeout", "retries", "retry_delay"]
    static let execKeys = ["command", "timeout", "max_running"]
    static let emailKeys = ["relay", "from", "to", "subject", "timeout"]
    /// The subject of a mail when `email.subject` is left out.
    static let defaultEmailSubject = "switchyard: {{kind}} {{service}} {{instance}}"

    /// `reactions:` (top level or a service's): a list of reactions, each `{name, on, trigger, every}`
    /// and exactly one of `webhook`, `exec`, `email`, `log`. Names are unique within the list; a
    /// reaction without one is named for its kind and position (`webhook#0`).
    mutating func reactions(_ node: YAMLNode, at path: ConfigPath) -> [ReactionConfig] {
        if node.isNull { return [] }
        guard case .sequence(let list) = node.kind else {
            report(node.mark, path, "expected a list of reactions like [{on: instance_down, log: null}], got \(node.typeDescription)")
            return []
        }
        var result: [ReactionConfig] = []
        var names: [String: Int] = [:]
        for (i, item) in list.enumerated() {
            guard let f = fields(item, at: path.index(i), keys: Self.reactionKeys) else { continue }
            guard let reaction = reaction(f, index: i) else { continue }
            if let first = names[reaction.name] {
                report(f["name"]?.mark ?? item.mark, path.index(i).key("name"),
                       "duplicate reaction name `\(reaction.name)` (first at \(path.index(first)))")
                continue
            }
            names[reaction.name] = i
            result.append(reaction)
        }
        return result
    }

    /// One reaction; nil when it names no kind or several (reported).
    private mutating func reaction(_ f: MappingFields, index: Int) -> ReactionConfig? {
        require(f, "on", what: "the transitions it reacts to, e.g. [instance_down, instance_up]")
        let kinds = Self.reactionKinds.filter { f[$0] != nil }
        guard kinds.count == 1, let kind = kinds.first, let body = f[kind] else {
            let message = kinds.isEmpty
                ? "a reaction needs one of \(keyList(Self.reactionKinds))"
                : "a reaction has one kind; \(keyList(kinds)) are given together (write two reactions)"
            report(f.mark, f.path, message)
            return nil
        }
        let name = string(f, "name") ?? "\(kind)#\(index)"
        if let node = f["name"], name.contains(where: { $0 == "\"" || $0 == "\\" || $0 == "\n" }) {
            report(node.mark, f.path.key("name"), "`\(name)` may not contain quotes, backslashes or line breaks")
        }
        let on = f["on"].map { reactionEvents($0, at: f.path.key("on")) } ?? []
        let trigger = integer(f, "trigger", default: 1, in: 1...1000)
        var every = Duration.zero
        if let node = f["every"], !node.isNull, node.scalarText != "off" {
            every = duration(f, "every", default: .zero)
        }
        let bodyPath = f.path.key(kind)
        let action: ReactionConfig.Action?
        switch kind {
        case "webhook": action = webhook(body, at: bodyPath)
        case "exec": action = exec(body, at: bodyPath)
        case "email": action = email(body, at: bodyPath)
        default:
            if case .mapping(let pairs) = body.kind, let first = pairs.first {
                report(first.key.mark, bodyPath, "`log` takes no settings (the line goes to the error log); write `log: null`")
            } else if !body.isNull, body.kind != .mapping([]) {
                report(body.mark, bodyPath, "`log` takes no settings; write `log: null`")
            }
            action = .log
        }
        guard let action, !on.isEmpty else { return nil }
        return ReactionConfig(name: name, on: on, trigger: trigger, every: every, action: action)
    }

    /// `on`: one event kind or a non-empty list of distinct ones.
    private mutating func reactionEvents(_ node: YAMLNode, at path: ConfigPath) -> [ReactionEvent.Kind] {
        let items: [(YAMLNode, ConfigPath)]
        switch node.kind {
        case .sequence(let list) where !list.isEmpty: items = list.enumerated().map { ($0.element, path.index($0.offset)) }
        case .scalar where !node.isNull: items = [(node, path)]
        default:
            report(node.mark, path, "expected an event kind or a non-empty list of them, got \(node.typeDescription)")
            return []
        }
        let names = ReactionEvent.Kind.allCases.map(\.rawValue)
        var result: [ReactionEvent.Kind] = []
        for (item, itemPath) in items {
            guard let text = item.scalarText, !item.isNull else {
                report(item.mark, itemPath, "expected an event kind, got \(item.typeDescription)")
                continue
            }
            guard let kind = ReactionEvent.Kind(rawValue: text) else {
                report(item.mark, itemPath, Self.unknownChoice(text, names: names))
                continue
            }
            if result.contains(kind) {
                report(item.mark, itemPath, "`\(text)` is listed twice")
            } else {
                result.append(kind)
            }
        }
        return result
    }

    /// `webhook: {url, headers, body, timeout, retries, retry_delay}`.
    private mutating func webhook(_ node: YAMLNode, at path: ConfigPath) -> ReactionConfig.Action? {
        guard let f = fields(node, at: path, keys: Self.webhookKeys) else { return nil }
        require(f, "url", what: "the http:// or https:// URL to POST the event to")
        let url = scalar(f, "url", default: "", expected: "a URL like https://hooks.example.com/x") { text, _ throws(ConfigValueError) in
            if case .failure(let problem) = TargetURL.parse(text) { throw ConfigValueError(problem.message) }
            return text
        }
        let headers = f["headers"].map { httpHeaders($0, at: path.key("headers")) } ?? []
        let body = f["body"].flatMap { $0.isNull ? nil : string(f, "body") }
        let timeout = duration(f, "timeout", default: .seconds(5))
        let retries = integer(f, "retries", default: 2, in: 0...10)
        let retryDelay = duration(f, "retry_delay", default: .seconds(1))
        guard !url.isEmpty else { return nil }
        return .webhook(url: url, headers: headers, bodyTemplate: body, timeout: timeout, retries: retries, retryDelay: retryDelay)
    }

    /// `headers`: a mapping of header names (RFC 9110 tokens) to values without line breaks.
    private mutating func httpHeaders(_ node: YAMLNode, at path: ConfigPath) -> [(String, String)] {
        if node.isNull { return [] }
        guard case .mapping(let pairs) = node.kind else {
            report(node.mark, path, "expected a mapping of header names to values, like {Authorization: \"Bearer ...\"}, got \(node.typeDescription)")
            return []
        }
        var result: [(String, String)] = []
        for pair in pairs {
            guard let name = pair.key.scalarText else {
                report(pair.key.mark, path, "header names must be plain names, got \(pair.key.typeDescription)")
                continue
            }
            let itemPath = path.key(name)
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
                report(pair.key.mark, itemPath, "`\(name)` is not a header name (letters, digits and !#$%&'*+-.^_`|~)")
                continue
            }
            if result.contains(where: { $0.0.lowercased() == name.lowercased() }) {
                report(pair.key.mark, itemPath, "header `\(name)` is given twice")
                continue
            }
            guard let value = pair.value.scalarText, !pair.value.isNull else {
                report(pair.value.mark, itemPath, "expected a header value, got \(pair.value.typeDescription)")
                continue
            }
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                report(pair.value.mark, itemPath, "a header value may not contain line breaks")
                continue
            }
            result.append((name, value))
        }
        return result
    }

    /// RFC 9110 section 5.6.2 `tchar`.
    static func isTokenByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || Array("!#$%&'*+-.^_`|~".utf8).contains(b)
    }

    /// `exec: {command, timeout, max_running}`; `command` is the program and its arguments, run
    /// without a shell: an absolute path, or a bare name looked up in `PATH`.
    private mutating func exec(_ node: YAMLNode, at path: ConfigPath) -> ReactionConfig.Action? {
        guard let f = fields(node, at: path, keys: Self.execKeys) else { return nil }
        require(f, "command", what: "the program and its arguments, e.g. [\"/usr/local/bin/notify\", \"--urgent\"]")
        let command = f["command"].map { execCommand($0, at: path.key("command")) } ?? []
        let timeout = duration(f, "timeout", default: .seconds(10))
        let maxRunning = integer(f, "max_running", default: 4, in: 1...1000)
        guard !command.isEmpty else { return nil }
        return .exec(command: command, timeout: timeout, maxRunning: maxRunning)
    }

    private mutating func execCommand(_ node: YAMLNode, at path: ConfigPath) -> [String] {
        guard case .sequence(let list) = node.kind, !list.isEmpty else {
            report(node.mark, path, "expected a non-empty list: the program and its arguments, e.g. [\"/usr/local/bin/notify\", \"--urgent\"] (no shell runs it), got \(node.typeDescription)")
            return []
        }
        var result: [String] = []
        for (i, item) in list.enumerated() {
            guard case .scalar(let text, _) = item.kind, !item.isNull, !text.utf8.contains(0) else {
                report(item.mark, path.index(i), "expected a string, got \(item.typeDescription)")
                return []
            }
            result.append(text)
        }
        let program = result[0]
        if program.isEmpty || (!program.hasPrefix("/") && program.contains("/")) {
            report(list[0].mark, path.index(0),
                   "`\(program)` must be an absolute path or a program name looked up in PATH (relative paths depend on the working directory)")
            return []
        }
        if let problem = programProblem?(program) {
            report(list[0].mark, path.index(0), problem)
            return []
        }
        return result
    }

    /// `email: {relay, from, to, subject, timeout}`.
    private mutating func email(_ node: YAMLNode, at path: ConfigPath) -> ReactionConfig.Action? {
        guard let f = fields(node, at: path, keys: Self.emailKeys) else { return nil }
        require(f, "relay", what: "the SMTP relay, e.g. smtp://127.0.0.1:25")
        require(f, "from", what: "the sender's address")
        require(f, "to", what: "one recipient or a list of them")
        let relay = scalar(f, "relay", default: "", expected: "a URL like smtp://mail.example.com:25") { text, _ throws(ConfigValueError) in
            try Self.smtpRelay(text)
        }
        let from = f["from"] == nil ? "" : scalar(f, "from", default: "", expected: "a mail address", parse: Self.mailAddress)
        var to: [String] = []
        if let node = f["to"] {
            let items: [(YAMLNode, ConfigPath)] = switch node.kind {
            case .sequence(let list): list.enumerated().map { ($0.element, path.key("to").index($0.offset)) }
            default: [(node, path.key("to"))]
            }
            if items.isEmpty { report(node.mark, path.key("to"), "at least one recipient is required") }
            for (item, itemPath) in items {
                do throws(ConfigValueError) {
                    guard let text = item.scalarText, !item.isNull else { throw ConfigValueError("expected a mail address, got \(item.typeDescription)") }
                    to.append(try Self.mailAddress(text, .plain))
                } catch {
                    report(item.mark, itemPath, error.message)
                }
            }
        }
        let subject = scalar(f, "subject", default: Self.defaultEmailSubject, expected: "a subject line") { text, _ throws(ConfigValueError) in
            guard !text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) else {
                throw ConfigValueError("a subject may not contain line breaks")
            }
            return text
        }
        let timeout = duration(f, "timeout", default: .seconds(10))
        guard !relay.isEmpty, !from.isEmpty, !to.isEmpty else { return nil }
        return .email(relay: relay, from: from, to: to, subject: subject, timeout: timeout)
    }

    /// `smtp://host[:port]` or `smtps://host[:port]`; a host name or an IP literal, no user info or path.
    static func smtpRelay(_ text: String) throws(ConfigValueError) -> String {
        guard let sep = text.firstRange(of: "://") else {
            throw ConfigValueError("`\(text)` is not a URL; write `smtp://host:port` or `smtps://host:port`")
        }
        let scheme = text[..<sep.lowerBound].lowercased()
        guard scheme == "smtp" || scheme == "smtps" else {
            throw ConfigValueError("URL scheme `\(scheme)` is not allowed for a mail relay; only `smtp` and `smtps` are")
        }
        var authority = text[sep.upperBound...]
        if authority.hasSuffix("/") { authority.removeLast() }
        guard !authority.isEmpty, !authority.contains(where: { $0 == "/" || $0 == "@" || $0 == "?" || $0 == "#" || $0 == " " }) else {
            throw ConfigValueError("`\(text)` must be `\(scheme)://host[:port]` (no user info, path or query)")
        }
        return "\(scheme)://\(authority)"
    }

    /// `local@domain`, with no spaces, angle brackets or line breaks (it goes into SMTP commands).
    static func mailAddress(_ text: String, _ style: YAMLNode.ScalarStyle) throws(ConfigValueError) -> String {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
              !text.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0 == "\r" || $0 == "\n" || $0 == "," }) else {
            throw ConfigValueError("`\(text)` is not a mail address like `oncall@example.com`")
        }
        return text
    }
}
