extension PrometheusExposition {
    /// `switchyard_reactions_total{service,reaction,kind,outcome}`: every configured reaction with its
    /// three outcomes, zeros included. `service` is empty for a global reaction (reaction names are
    /// unique per scope, so the label keeps two services' `webhook#0` apart).
    static func writeReactions(_ out: inout ByteBuffer, _ r: ReactionsSnapshot) {
        family(&out, "switchyard_reactions_total", "counter",
               "Reaction runs by outcome: executed, failed, or skipped (by every or max_running).")
        for c in r.configured {
            for outcome in ReactionLedger.Outcome.allCases {
                out.write("switchyard_reactions_total{service=\"")
                out.writePrometheusLabelValue(c.service ?? "")
                out.write("\",reaction=\"")
                out.writePrometheusLabelValue(c.name)
                out.write("\",kind=\"")
                out.writePrometheusLabelValue(c.kind)
                out.write("\",outcome=\"")
                out.writePrometheusLabelValue(outcome.rawValue)
                out.write("\"} ")
                let value = switch outcome {
                case .executed: c.counts.executed
                case .failed: c.counts.failed
                case .skipped: c.counts.skipped
                }
                out.write(decimal: value)
                out.write(byte: 0x0A)
            }
        }
    }
}
