import Glibc
import SwitchyardCore

/// Every DNS name the configuration follows, on the control loop: one `DNSFollower` per
/// `discover` entry of each service. It reports to the supervisor when any set changed; the
/// supervisor then applies the running configuration (`DiscoveredInstances.expand`) the way a reload
/// does, so instances that stay keep their state and instances that leave are drained.
final class Discovery {
    private unowned(unsafe) let loop: EventLoop
    private let log: ErrorLog
    private var followers: [DNSFollower] = []
    private var seed: UInt64
    /// Called (on the control thread) after a follower's set changed.
    private let onChange: () -> Void

    init(loop: EventLoop, log: ErrorLog, seed: UInt64, onChange: @escaping () -> Void) {
        self.loop = loop
        self.log = log
        self.seed = seed
        self.onChange = onChange
    }

    /// Sets of followers a reload replaced (an entry whose settings changed), by service and label:
    /// they stand in until the new follower's first answer.
    private var carried: [String: [String: [DNSEndpoint]]] = [:]

    /// The sets found so far, by service name and entry label.
    var sets: [String: [String: [DNSEndpoint]]] {
        var out: [String: [String: [DNSEndpoint]]] = [:]
        for f in followers {
            let r = f.resolution
            out[f.service, default: [:]][f.entry.label] = DiscoveredInstances.currentSet(
                endpoints: r.endpoints, hasAnswered: r.lastAnswerAt != nil, carried: carried[f.service]?[f.entry.label])
        }
        return out
    }

    /// The followers, for the admin API.
    var all: [DNSFollower] { followers }

    /// Follows the `discover` entries of `config`: entries that stay keep their follower (and set),
    /// new ones start, gone ones stop.
    func follow(_ config: Config) {
        var keep: [DNSFollower] = []
        var wanted: [(String, DiscoveryConfig)] = []
        for s in config.services { for d in s.discover { wanted.append((s.name, d)) } }
        var carry: [String: [String: [DNSEndpoint]]] = [:]
        for f in followers {
            if wanted.contains(where: { $0.0 == f.service && $0.1 == f.entry }) {
                keep.append(f)
            } else {
                f.stop()
                carry[f.service, default: [:]][f.entry.label] = sets[f.service]?[f.entry.label] ?? f.resolution.endpoints
            }
        }
        carried = carry
        for (service, entry) in wanted where !keep.contains(where: { $0.service == service && $0.entry == entry }) {
            guard let resolution = Self.resolutionConfig(entry) else {
                log.error("discovery \(service) \(entry.label): no resolvers (none configured, none in /etc/resolv.conf)")
                continue
            }
            seed = seed &+ 0x9E37_79B9_7F4A_7C15
            let follower = DNSFollower(service: service, entry: entry, config: resolution, loop: loop, seed: seed) {
                [unowned self] f in self.changed(f)
            }
            keep.append(follower)
            follower.start()
        }
        followers = keep
    }

    func stopAll() {
        for f in followers { f.stop() }
        followers = []
    }

    private func changed(_ f: DNSFollower) {
        let r = f.resolution
        let list = r.endpoints.map(\.description).joined(separator: ", ")
        log.info("discovery \(f.service) \(f.entry.label): \(r.endpoints.count) instance(s)\(list.isEmpty ? "" : ": \(list)")"
                 + (r.lastError.map { " (\($0))" } ?? ""))
        onChange()
    }

    /// The resolution settings of an entry; nil when there is no resolver to ask.
    static func resolutionConfig(_ d: DiscoveryConfig) -> DNSResolutionConfig? {
        guard let name = try? DNSName(d.name) else { return nil }
        var resolvers: [DNSResolverAddress] = []
        for r in d.resolvers {
            if let a = IPAddress(r.host) { resolvers.append(DNSResolverAddress(address: a, port: r.port)) }
        }
        if resolvers.isEmpty { resolvers = systemResolvers() }
        guard !resolvers.isEmpty else { return nil }
        let lookup: DNSLookup = d.type == .srv ? .srv : .a(port: d.port ?? 80)
        return DNSResolutionConfig(name: name, lookup: lookup, resolvers: resolvers, interval: d.interval,
                                   ttlFloor: d.minInterval, hold: d.hold, queryTimeout: d.timeout)
    }

    /// The `nameserver` lines of /etc/resolv.conf (read once per entry, at configuration time).
    static func systemResolvers() -> [DNSResolverAddress] {
        guard let text = readFile("/etc/resolv.conf") else { return [] }
        var out: [DNSResolverAddress] = []
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, parts[0] == "nameserver", let a = IPAddress(String(parts[1])) else { continue }
            out.append(DNSResolverAddress(address: a, port: 53))
        }
        return out
    }

    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes += chunk[0 ..< n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
