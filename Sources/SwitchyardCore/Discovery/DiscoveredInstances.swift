/// Turns what DNS answered into instances, and a configuration file plus the current answers into
/// the running configuration: discovered instances become ordinary `InstanceConfig`s named by their
/// URL, so reloads, windows, breakers, health checks and pools treat them exactly as static ones.
public enum DiscoveredInstances {
    /// The instances `endpoints` make for the entry `d`.
    ///
    /// `a`: every address on the entry's port, with the entry's priority and weight. `srv`: every
    /// target on its record's port, weight from the record (0 counts as 1, capped at 10,000), and
    /// priority by tier: the lowest SRV priority value is the primary tier, at `d.priority`; each
    /// further distinct value is one tier lower (never below 0), so the `priority` selector sends
    /// traffic to a lower tier only when the ones above have no available instance. One instance
    /// per URL: a target listed twice keeps its first (lowest-priority-value) record.
    public static func instances(for d: DiscoveryConfig, endpoints: [DNSEndpoint]) -> [InstanceConfig] {
        let tiers = Array(Set(endpoints.map(\.priority))).sorted()
        var seen = Set<String>()
        var out: [InstanceConfig] = []
        for e in endpoints.sorted(by: { ($0.priority, $0.address, $0.port) < ($1.priority, $1.address, $1.port) }) {
            let url = UpstreamURL(host: e.address.description, port: e.port, basePath: d.basePath)
            guard seen.insert(url.description).inserted else { continue }
            switch d.type {
            case .a:
                out.append(InstanceConfig(url: url, priority: d.priority, weight: d.weight))
            case .srv:
                let tier = tiers.firstIndex(of: e.priority) ?? 0
                out.append(InstanceConfig(url: url, priority: max(0, d.priority - tier),
                                          weight: min(max(Int(e.weight), 1), 10_000)))
            }
        }
        return out
    }

    /// The set a followed name contributes now. A lookup that has not answered yet (a new follower,
    /// or one a reload rebuilt because the entry's other settings changed) stands on `carried`, the
    /// set of the follower it replaced, so a reload never drops instances it keeps following.
    public static func currentSet(endpoints: [DNSEndpoint], hasAnswered: Bool, carried: [DNSEndpoint]?) -> [DNSEndpoint] {
        !hasAnswered && endpoints.isEmpty ? carried ?? [] : endpoints
    }

    /// The running configuration: `file` with each service's discovered instances after its static
    /// ones (`sets[service][entry.label]`, in the order of the service's `discover` entries). Sets are
    /// keyed by the entry's label (type, name, port), so an entry whose other settings a reload
    /// changed keeps the instances it found. A URL already listed in the service (statically or by an
    /// earlier entry) is not added twice.
    public static func expand(_ file: Config, sets: [String: [String: [DNSEndpoint]]]) -> Config {
        var config = file
        for s in config.services.indices where !config.services[s].discover.isEmpty {
            let service = config.services[s]
            var urls = Set(service.instances.map(\.url.description))
            for entry in service.discover {
                for instance in instances(for: entry, endpoints: sets[service.name]?[entry.label] ?? [])
                    where urls.insert(instance.url.description).inserted {
                    config.services[s].instances.append(instance)
                }
            }
        }
        return config
    }
}
