extension Config {
    /// One line for `switchyard check` and the startup log, e.g.
    /// `config OK: 2 services, 4 instances, listen 0.0.0.0:8080, admin 127.0.0.1:9901`; with
    /// reactions, `..., 4 instances, 3 reactions, listen ...`.
    public var summary: String {
        let instances = services.reduce(0) { $0 + $1.instances.count }
        let reactionCount = reactions.count + services.reduce(0) { $0 + $1.reactions.count }
        let reactionText = reactionCount == 0 ? "" : "\(Self.count(reactionCount, "reaction")), "
        let listenText = listen.map(\.description).joined(separator: " ")
        let adminText = admin.listen?.description ?? "off"
        return "config OK: \(Self.count(services.count, "service")), \(Self.count(instances, "instance")), "
            + reactionText + "listen \(listenText), admin \(adminText)"
    }

    private static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }
}
