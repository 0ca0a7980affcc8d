/// Builds the YAML of one entry of `services:` for end-to-end tests.
func serviceYAML(name: String = "demo", routes: [String] = ["/"], balancer: String = "round_robin",
                 supplier: String = "cooldown", instances: [String], extra: String = "") -> String {
    var lines = ["  - name: \(name)",
                 "    routes: [\(routes.map { "\"\($0)\"" }.joined(separator: ", "))]",
                 "    balancer: \(balancer)",
                 "    supplier: \(supplier)",
                 "    instances:"]
    for i in instances { lines.append(i.hasPrefix("{") ? "      - \(i)" : "      - \"\(i)\"") }
    for l in extra.split(separator: "\n", omittingEmptySubsequences: true) { lines.append("    " + l) }
    return lines.joined(separator: "\n")
}
