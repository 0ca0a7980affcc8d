/// The mail an `email` reaction sends (RFC 5322): headers, then the event as text and as JSON.
/// Lines end in CRLF; no line starts with a dot (the event's values are indented).
public enum MailMessage {
    /// The whole message for `event`, from `from` to `to`, with `subject` filled in
    /// (`ReactionEvent.fillText`), dated `event`'s time.
    public static func compose(_ event: ReactionEvent, from: String, to: [String], subject: String) -> String {
        var lines = [
            "From: <\(from)>",
            "To: " + to.map { "<\($0)>" }.joined(separator: ", "),
            "Subject: " + event.fillText(subject),
            "Date: " + rfc5322Date(unixMs: event.timeUnixMs),
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            "  event:    \(event.kind.rawValue)",
            "  service:  \(event.service)",
        ]
        if let instance = event.instance { lines.append("  instance: \(instance)") }
        let c = event.counts
        lines += [
            "  reason:   \(event.fillText("{{reason}}"))",
            "  time:     \(event.timeText)",
            "  states:   \(c.healthy) healthy, \(c.unhealthy) unhealthy, \(c.open) open, \(c.halfOpen) half-open",
            "",
            "  " + event.json,
            "",
        ]
        return lines.joined(separator: "\r\n")
    }

    /// `Fri, 04 Dec 2026 16:30:00 +0000` (RFC 5322 section 3.3), UTC.
    public static func rfc5322Date(unixMs: Int) -> String {
        let seconds = unixMs / 1000
        let days = seconds / 86_400
        let rest = seconds % 86_400
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let (y, m, d) = RFC3339Timestamp.civil(fromDays: days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekdays[days % 7]), \(two(d)) \(months[m - 1]) \(y) \(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60)) +0000"
    }
}
