/// Turns a `YAMLNode` tree into a validated `Config`, collecting every problem rather than stopping
/// at the first.
///
/// Each reader reports what is wrong and substitutes the default so decoding can go on; the
/// result is a `Config` only when nothing was reported. Diagnostics come out sorted by position.
public struct ConfigDecoder {
    /// The file name used in diagnostics.
    public let file: String
    /// Everything reported so far, in the order found.
    public internal(set) var diagnostics: [ConfigDiagnostic] = []

    static let topLevelKeys = ["listen", "workers", "admin", "accept", "timeouts", "log", "reload", "services", "multiplex", "reactions"]

    /// Says why an `exec` reaction's program cannot be run (nil when it can), e.g. that no executable
    /// file has that path or no `PATH` directory holds that name. The shell injects a check of the
    /// file system; without one (the core's own tests) any absolute path or bare name passes.
    public var programProblem: ((String) -> String?)?

    public init(file: String, programProblem: ((String) -> String?)? = nil) {
        self.file = file
        self.programProblem = programProblem
    }

    /// Decodes `root` (the document's top node) into a `Config`, or every problem found in it.
    /// `programProblem`: see the property.
    public static func decode(_ root: YAMLNode, file: String,
                              programProblem: ((String) -> String?)? = nil) -> Result<Config, ConfigLoadFailure> {
        var decoder = ConfigDecoder(file: file, programProblem: programProblem)
        let config = decoder.decodeConfig(root)
        if decoder.diagnostics.isEmpty { return .success(config) }
        return .failure(ConfigLoadFailure(diagnostics: sorted(decoder.diagnostics)))
    }

    /// Stable sort by line, then column, so the report reads top to bottom.
    static func sorted(_ list: [ConfigDiagnostic]) -> [ConfigDiagnostic] {
        list.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }

    /// Reads the whole document. The returned value is meaningful only if `diagnostics` is empty.
    public mutating func decodeConfig(_ root: YAMLNode) -> Config {
        var config = Config()
        if root.isNull {
            report(root.mark, .root, "the config is empty; at least `services` is required")
            return config
        }
        guard let f = fields(root, at: .root, keys: Self.topLevelKeys) else { return config }
        if let node = f["listen"] { config.listen = listenAddresses(node, at: .root.key("listen")) }
        config.workers = workers(f)
        if let node = f["admin"] { config.admin = admin(node, at: .root.key("admin")) }
        if let node = f["accept"] { config.accept = accept(node, at: .root.key("accept")) }
        if let node = f["timeouts"] { config.timeouts = timeouts(node, at: .root.key("timeouts")) }
        if let node = f["log"] { config.log = log(node, at: .root.key("log")) }
        config.reload = scalar(f, "reload", default: .signal, expected: "`signal` or `watch`") { text, _ throws(ConfigValueError) in
            switch text {
            case "signal": return ReloadMode.signal
            case "watch": return ReloadMode.watch
            default: throw ConfigValueError(Self.unknownChoice(text, names: ["signal", "watch"]))
            }
        }
        require(f, "services", what: "a list of services")
        if let node = f["services"] { config.services = services(node, at: .root.key("services")) }
        if let node = f["multiplex"] {
            let m = multiplex(node, at: .root.key("multiplex"))
            config.multiplex = m
            if m.maxBody > config.accept.maxBody {
                report(node.mark, .root.key("multiplex").key("max_body"),
                       "max_body (\(m.maxBody) bytes) is over accept.max_body (\(config.accept.maxBody) bytes): every request body, a batch's too, is read under accept.max_body")
            }
        }
        if let node = f["reactions"] { config.reactions = reactions(node, at: .root.key("reactions")) }
        return config
    }

    /// `listen`: one address or a non-empty list of distinct addresses.
    mutating func listenAddresses(_ node: YAMLNode, at path: ConfigPath) -> [ListenAddress] {
        let items: [(YAMLNode, ConfigPath)]
        switch node.kind {
        case .sequence(let list):
            guard !list.isEmpty else {
                report(node.mark, path, "the list of listen addresses is empty")
                return []
            }
            items = list.enumerated().map { ($0.element, path.index($0.offset)) }
        case .scalar:
            items = [(node, path)]
        case .mapping:
            report(node.mark, path, "expected an address like `0.0.0.0:8080` or a list of them, got a mapping")
            return []
        }
        var result: [ListenAddress] = []
        for (item, itemPath) in items {
            guard let address = listenAddress(item, at: itemPath) else { continue }
            if result.contains(address) {
                report(item.mark, itemPath, "`\(address)` is listed twice")
            } else {
                result.append(address)
            }
        }
        return result
    }

    mutating func listenAddress(_ node: YAMLNode, at path: ConfigPath) -> ListenAddress? {
        guard case .scalar(let text, _) = node.kind, !node.isNull else {
            report(node.mark, path, "expected an address like `0.0.0.0:8080`, got \(node.typeDescription)")
            return nil
        }
        do { return try AddressParser.listenAddress(text) } catch {
            report(node.mark, path, error.message)
            return nil
        }
    }

    /// `workers`: `auto` (nil) or an integer in 1...1024.
    mutating func workers(_ f: MappingFields) -> Int? {
        scalar(f, "workers", default: nil, expected: "`auto` or a number of threads") { text, style throws(ConfigValueError) -> Int? in
            if text == "auto" { return nil }
            guard let n = try? Self.parseInteger(text, style) else {
                throw ConfigValueError("expected `auto` or a number of threads, got `\(text)`")
            }
            guard (1...1024).contains(n) else { throw ConfigValueError("\(n) workers is out of range; must be between 1 and 1024") }
            return n
        }
    }

    /// `admin`: `{listen, token}`; `listen: off` or null turns the admin API off.
    mutating func admin(_ node: YAMLNode, at path: ConfigPath) -> AdminConfig {
        var admin = AdminConfig()
        guard let f = fields(node, at: path, keys: ["listen", "token"]) else { return admin }
        if let listen = f["listen"] {
            if listen.isNull || listen.kind == .scalar("off", .plain) {
                admin.listen = nil
            } else {
                admin.listen = listenAddress(listen, at: path.key("listen"))
            }
        }
        if let token = f["token"], !token.isNull { admin.token = string(f, "token") }
        return admin
    }

    mutating func accept(_ node: YAMLNode, at path: ConfigPath) -> AcceptConfig {
        var accept = AcceptConfig()
        guard let f = fields(node, at: path, keys: ["methods", "require_json", "max_body", "max_header", "max_connections"])
        else { return accept }
        if let methods = f["methods"] { accept.methods = self.methods(methods, at: path.key("methods")) }
        accept.requireJSON = boolean(f, "require_json", default: accept.requireJSON)
        accept.maxBody = size(f, "max_body", default: accept.maxBody, minimum: 0)
        accept.maxHeader = size(f, "max_header", default: accept.maxHeader, minimum: 1024)
        accept.maxConnections = integer(f, "max_connections", default: accept.maxConnections, in: 1...10_000_000)
        return accept
    }

    /// `accept.methods`: a non-empty list of upper-case method names (HTTP methods are case-sensitive).
    mutating func methods(_ node: YAMLNode, at path: ConfigPath) -> [String] {
        guard case .sequence(let list) = node.kind, !list.isEmpty else {
            report(node.mark, path, "expected a non-empty list of methods like [POST], got \(node.typeDescription)")
            return []
        }
        var result: [String] = []
        for (i, item) in list.enumerated() {
            guard case .scalar(let text, _) = item.kind, !item.isNull, !text.isEmpty else {
                report(item.mark, path.index(i), "expected a method name like `POST`, got \(item.typeDescription)")
                continue
            }
            guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
                let upper = text.uppercased()
                let hint = upper.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") })
                    ? "; did you mean `\(upper)`?" : ""
                report(item.mark, path.index(i), "`\(text)` is not an upper-case method name" + hint)
                continue
            }
            if result.contains(text) {
                report(item.mark, path.index(i), "method `\(text)` is listed twice")
            } else {
                result.append(text)
            }
        }
        return result
    }

    mutating func timeouts(_ node: YAMLNode, at path: ConfigPath) -> TimeoutsConfig {
        var t = TimeoutsConfig()
        guard let f = fields(node, at: path, keys: ["connect", "response", "attempt", "client_header", "client_body",
                                                    "client_idle", "upstream_idle", "drain"]) else { return t }
        t.connect = duration(f, "connect", default: t.connect)
        t.response = duration(f, "response", default: t.response)
        t.clientHeader = duration(f, "client_header", default: t.clientHeader)
        t.clientBody = duration(f, "client_body", default: t.clientBody)
        if let node = f["attempt"], !node.isNull, node.scalarText != "off" {
            t.attempt = duration(f, "attempt", default: .seconds(1))
            if let a = t.attempt, a > t.response {
                report(node.mark, path.key("attempt"), "the attempt timeout (\(a)) must not exceed the response timeout (\(t.response)): one attempt runs inside the request's time")
            }
        }
        t.clientIdle = duration(f, "client_idle", default: t.clientIdle)
        t.upstreamIdle = duration(f, "upstream_idle", default: t.upstreamIdle)
        t.drain = duration(f, "drain", default: t.drain)
        return t
    }

    /// `log`: `access` is `stdout`, `off` (or null) or an absolute file path; `level` a `LogLevel` name (`warn` too).
    mutating func log(_ node: YAMLNode, at path: ConfigPath) -> LogConfig {
        var log = LogConfig()
        guard let f = fields(node, at: path, keys: ["access", "level"]) else { return log }
        if let access = f["access"] {
            if access.isNull {
                log.access = .off
            } else {
                log.access = scalar(f, "access", default: log.access,
                                    expected: "`stdout`, `off` or an absolute file path") { text, _ throws(ConfigValueError) in
                    switch text {
                    case "stdout": return .stdout
                    case "off": return .off
                    case _ where text.hasPrefix("/"): return .file(text)
                    default:
                        // Relative paths are refused: under systemd the working directory is `/`.
                        throw ConfigValueError(NameSuggestion.suggest(text, from: ["stdout", "off"])
                            .map { "`\(text)` is not valid; did you mean `\($0)`?" }
                            ?? "`\(text)` is not valid; expected `stdout`, `off` or an absolute file path")
                    }
                }
            }
        }
        let levels = LogLevel.allCases.map(\.name)
        log.level = scalar(f, "level", default: log.level, expected: "a log level") { text, _ throws(ConfigValueError) in
            if text == "warn" { return .warning }
            guard let level = LogLevel.allCases.first(where: { $0.name == text }) else {
                throw ConfigValueError(Self.unknownChoice(text, names: levels))
            }
            return level
        }
        return log
    }
}
