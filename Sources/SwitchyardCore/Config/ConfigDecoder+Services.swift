extension ConfigDecoder {
    static let serviceKeys = ["name", "routes", "balancer", "supplier", "instances", "health_check",
                              "circuit_breaker", "retries", "cache", "reactions"]

    /// `services`: a non-empty list; names unique, and no route served by two services.
    mutating func services(_ node: YAMLNode, at path: ConfigPath) -> [ServiceConfig] {
        guard case .sequence(let list) = node.kind else {
            report(node.mark, path, "expected a list of services, got \(node.typeDescription)")
            return []
        }
        guard !list.isEmpty else {
            report(node.mark, path, "at least one service is required")
            return []
        }
        var result: [ServiceConfig] = []
        var names: [String: (index: Int, mark: Mark)] = [:]
        var routeOwners: [String: (index: Int, name: String)] = [:]
        for (i, item) in list.enumerated() {
            let itemPath = path.index(i)
            guard !item.isNull else {
                report(item.mark, itemPath, "expected a service mapping with `name`, `routes` and `instances`, got null")
                continue
            }
            guard let f = fields(item, at: itemPath, keys: Self.serviceKeys) else { continue }
            let service = self.service(f)
            if !service.name.isEmpty, let nameNode = f["name"] {
                if let first = names[service.name] {
                    report(nameNode.mark, itemPath.key("name"),
                           "duplicate service name `\(service.name)` (first at services[\(first.index)], line \(first.mark.line))")
                } else {
                    names[service.name] = (i, nameNode.mark)
                }
            }
            if case .sequence(let routeNodes)? = f["routes"]?.kind {
                for (r, routeNode) in routeNodes.enumerated() {
                    guard let route = routeNode.scalarText.map(Self.normalizedRoute) else { continue }
                    if let owner = routeOwners[route], owner.index != i {
                        report(routeNode.mark, itemPath.key("routes").index(r),
                               "route `\(route)` is already served by service `\(owner.name)`")
                    } else {
                        routeOwners[route] = (i, service.name)
                    }
                }
            }
            result.append(service)
        }
        return result
    }

    mutating func service(_ f: MappingFields) -> ServiceConfig {
        require(f, "name", what: "the service's name")
        require(f, "routes", what: "path prefixes like [\"/orders\"]")
        require(f, "instances", what: "a list of upstream URLs")
        let name = serviceName(f)
        var service = ServiceConfig(name: name, routes: [], instances: [])
        if let node = f["routes"] { service.routes = routes(node, at: f.path.key("routes")) }
        service.balancer = choice(f, "balancer", default: service.balancer)
        service.supplier = choice(f, "supplier", default: service.supplier)
        if let node = f["instances"] {
            (service.instances, service.discover) = instances(node, at: f.path.key("instances"))
        }
        if let node = f["health_check"], !node.isNull {
            service.healthCheck = healthCheck(node, at: f.path.key("health_check"))
        }
        if let node = f["circuit_breaker"] {
            service.circuitBreaker = circuitBreaker(node, at: f.path.key("circuit_breaker"))
        }
        if let node = f["retries"] { service.retries = retries(node, at: f.path.key("retries")) }
        if let node = f["reactions"] { service.reactions = reactions(node, at: f.path.key("reactions")) }
        if let node = f["cache"], !node.isNull {
            service.cache = cache(node, at: f.path.key("cache"))
        }
        return service
    }

    /// Names appear in logs, metrics labels and admin URLs: letters, digits, `_`, `-`, `.`.
    mutating func serviceName(_ f: MappingFields) -> String {
        scalar(f, "name", default: "", expected: "a service name") { text, _ throws(ConfigValueError) in
            guard !text.isEmpty else { throw ConfigValueError("the service name must not be empty") }
            let allowed = text.utf8.allSatisfy { b in
                (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                    || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                    || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
            }
            guard allowed, text.utf8.count <= 64 else {
                throw ConfigValueError("`\(text)` is not a valid service name; use up to 64 letters, digits, `_`, `-` or `.`")
            }
            return text
        }
    }

    /// A route with any trailing `/` removed (`/orders/` serves the same paths as `/orders`); `/` stays.
    static func normalizedRoute(_ route: String) -> String {
        var r = Substring(route)
        while r.count > 1, r.last == "/" { r.removeLast() }
        return String(r)
    }

    /// `routes`: a non-empty list of distinct path prefixes, each starting with `/`.
    mutating func routes(_ node: YAMLNode, at path: ConfigPath) -> [String] {
        guard case .sequence(let list) = node.kind else {
            report(node.mark, path, "expected a list of path prefixes like [\"/orders\"], got \(node.typeDescription)")
            return []
        }
        guard !list.isEmpty else {
            report(node.mark, path, "at least one route is required")
            return []
        }
        var result: [String] = []
        for (i, item) in list.enumerated() {
            let itemPath = path.index(i)
            guard case .scalar(let text, _) = item.kind, !item.isNull else {
                report(item.mark, itemPath, "expected a path prefix like \"/orders\", got \(item.typeDescription)")
                continue
            }
            guard text.hasPrefix("/") else {
                report(item.mark, itemPath, "route `\(text)` must start with `/`")
                continue
            }
            guard !text.contains(where: { $0 == "?" || $0 == "#" || $0 == " " || $0 == "*" }) else {
                report(item.mark, itemPath, "route `\(text)` must be a plain path prefix (no `?`, `#`, `*` or spaces)")
                continue
            }
            let route = Self.normalizedRoute(text)
            if result.contains(route) {
                report(item.mark, itemPath, "route `\(route)` is listed twice")
            } else {
                result.append(route)
            }
        }
        return result
    }

    /// `instances`: a non-empty list of URLs, `{url, priority, weight}` mappings (distinct by URL) and
    /// `{discover: {...}}` entries (distinct by name, type and port).
    mutating func instances(_ node: YAMLNode, at path: ConfigPath) -> ([InstanceConfig], [DiscoveryConfig]) {
        guard case .sequence(let list) = node.kind else {
            report(node.mark, path, "expected a list of instances like [\"http://10.0.0.1:8080\"], got \(node.typeDescription)")
            return ([], [])
        }
        guard !list.isEmpty else {
            report(node.mark, path, "at least one instance is required")
            return ([], [])
        }
        var result: [InstanceConfig] = []
        var discovered: [DiscoveryConfig] = []
        for (i, item) in list.enumerated() {
            let itemPath = path.index(i)
            if case .mapping(let pairs) = item.kind, pairs.contains(where: { $0.key.scalarText == "discover" }) {
                guard let f = fields(item, at: itemPath, keys: ["discover"]), let d = f["discover"] else { continue }
                guard let entry = discovery(d, at: itemPath.key("discover")) else { continue }
                if discovered.contains(where: { $0.name == entry.name && $0.type == entry.type && $0.port == entry.port }) {
                    report(d.mark, itemPath.key("discover"), "`\(entry.label)` is followed twice")
                } else {
                    discovered.append(entry)
                }
                continue
            }
            guard let (instance, urlMark, urlPath) = self.instance(item, at: itemPath) else { continue }
            if result.contains(where: { $0.url == instance.url }) {
                report(urlMark, urlPath, "instance `\(instance.url)` is listed twice")
            } else {
                result.append(instance)
            }
        }
        return (result, discovered)
    }

    /// One instance, with where its URL was written (for duplicate reports).
    mutating func instance(_ node: YAMLNode, at path: ConfigPath) -> (InstanceConfig, Mark, ConfigPath)? {
        let f: MappingFields
        switch node.kind {
        case .scalar(let text, _) where !node.isNull:
            guard let url = upstreamURL(text, mark: node.mark, at: path) else { return nil }
            return (InstanceConfig(url: url), node.mark, path)
        case .mapping:
            guard let checked = fields(node, at: path, keys: ["url", "priority", "weight"]) else { return nil }
            f = checked
        default:
            report(node.mark, path, "expected a URL or a mapping with `url`, `priority`, `weight`, got \(node.typeDescription)")
            return nil
        }
        require(f, "url", what: "the instance's http:// URL")
        var instance = InstanceConfig(url: UpstreamURL(host: "", port: 0))
        var urlMark = node.mark
        if let urlNode = f["url"] {
            urlMark = urlNode.mark
            if case .scalar(let text, _) = urlNode.kind, !urlNode.isNull {
                if let url = upstreamURL(text, mark: urlNode.mark, at: path.key("url")) { instance.url = url }
            } else {
                report(urlNode.mark, path.key("url"), "expected a URL like `http://10.0.0.1:8080`, got \(urlNode.typeDescription)")
            }
        }
        instance.priority = priority(f, default: instance.priority)
        instance.weight = integer(f, "weight", default: instance.weight, in: 1...10_000)
        return (instance, urlMark, path.key("url"))
    }

    /// `priority`: `high` (3), `med` (2), `low` (1) or an integer 0...1000.
    mutating func priority(_ f: MappingFields, default fallback: Int) -> Int {
        scalar(f, "priority", default: fallback,
               expected: "`high`, `med`, `low` or an integer") { text, style throws(ConfigValueError) in
            switch text {
            case "high": return 3
            case "med", "medium": return 2
            case "low": return 1
            default:
                guard let n = try? Self.parseInteger(text, style) else {
                    throw ConfigValueError(Self.unknownChoice(text, names: ["high", "med", "low"])
                                           + " (or an integer)")
                }
                guard (0...1000).contains(n) else { throw ConfigValueError("priority \(n) is out of range; must be between 0 and 1000") }
                return n
            }
        }
    }

    mutating func upstreamURL(_ text: String, mark: Mark, at path: ConfigPath) -> UpstreamURL? {
        do { return try AddressParser.upstreamURL(text) } catch {
            report(mark, path, error.message)
            return nil
        }
    }
}
