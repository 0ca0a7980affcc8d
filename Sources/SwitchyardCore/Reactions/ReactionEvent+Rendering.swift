/// The forms a reaction hands an event on: the JSON a webhook posts, the environment of an `exec`
/// program, and a filled-in body template (Slack-style payloads).
extension ReactionEvent {
    /// `{"kind":"instance_down","service":"orders","instance":"http://10.0.0.11:8080","reason":"...",
    /// "time":"2026-12-04T16:30:00.000Z","time_unix_ms":...,"counts":{"healthy":1,...}}`.
    public func writeJSON(into out: inout ByteBuffer) {
        var w = JSONWriter()
        w.beginObject(into: &out)
        w.key("kind", into: &out); w.value(kind.rawValue, into: &out)
        w.key("service", into: &out); w.value(service, into: &out)
        w.key("instance", into: &out)
        if let instance { w.value(instance, into: &out) } else { w.null(into: &out) }
        w.key("reason", into: &out); w.value(reason, into: &out)
        w.key("time", into: &out); w.value(timeText, into: &out)
        w.key("time_unix_ms", into: &out); w.value(timeUnixMs, into: &out)
        w.key("counts", into: &out)
        w.beginObject(into: &out)
        w.key("healthy", into: &out); w.value(counts.healthy, into: &out)
        w.key("unhealthy", into: &out); w.value(counts.unhealthy, into: &out)
        w.key("open", into: &out); w.value(counts.open, into: &out)
        w.key("half_open", into: &out); w.value(counts.halfOpen, into: &out)
        w.endObject(into: &out)
        w.endObject(into: &out)
    }

    /// The event as JSON text.
    public var json: String {
        var out = ByteBuffer(capacity: 256)
        writeJSON(into: &out)
        return String(decoding: out.readableArray(), as: UTF8.self)
    }

    /// RFC 3339 UTC with milliseconds.
    public var timeText: String {
        var out = ByteBuffer(capacity: 32)
        RFC3339Timestamp.write(unixMs: timeUnixMs, into: &out)
        return String(decoding: out.readableArray(), as: UTF8.self)
    }

    /// The environment of an `exec` reaction: `SWITCHYARD_EVENT` (the kind), `SWITCHYARD_SERVICE`,
    /// `SWITCHYARD_INSTANCE` (empty for service events), `SWITCHYARD_REASON`, `SWITCHYARD_TIME`,
    /// the state counts, and `SWITCHYARD_EVENT_JSON` (the whole event).
    public var environment: [(String, String)] {
        [("SWITCHYARD_EVENT", kind.rawValue), ("SWITCHYARD_SERVICE", service), ("SWITCHYARD_INSTANCE", instance ?? ""),
         ("SWITCHYARD_REASON", reason), ("SWITCHYARD_TIME", timeText),
         ("SWITCHYARD_HEALTHY", "\(counts.healthy)"), ("SWITCHYARD_UNHEALTHY", "\(counts.unhealthy)"),
         ("SWITCHYARD_OPEN", "\(counts.open)"), ("SWITCHYARD_HALF_OPEN", "\(counts.halfOpen)"),
         ("SWITCHYARD_EVENT_JSON", json)]
    }

    /// `template` with `{{kind}}`, `{{service}}`, `{{instance}}`, `{{reason}}`, `{{time}}` replaced by
    /// the event's values escaped for the inside of a JSON string (the template is a JSON document
    /// such as `{"text":"{{service}}: {{instance}} is {{kind}} ({{reason}})"}`), and `{{event}}` by
    /// the event's JSON object. Unknown placeholders stay as written.
    public func fill(_ template: String) -> String {
        fill(template, event: json, value: Self.escapedForJSONString)
    }

    /// `template` with the same placeholders replaced by the plain values, line breaks turned into
    /// spaces (for a mail's subject line), and `{{event}}` by the event's JSON.
    public func fillText(_ template: String) -> String {
        fill(template, event: json) { value in
            String(value.map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })
        }
    }

    private func fill(_ template: String, event: String, value render: (String) -> String) -> String {
        let values: [(String, String)] = [("kind", kind.rawValue), ("service", service), ("instance", instance ?? ""),
                                          ("reason", reason), ("time", timeText)]
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstRange(of: "{{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            guard let close = after.firstRange(of: "}}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let key = after[..<close.lowerBound].trimmingSpaces
            if key == "event" {
                out += event
            } else if let value = values.first(where: { $0.0 == key })?.1 {
                out += render(value)
            } else {
                out += rest[open.lowerBound ..< close.upperBound]
            }
            rest = after[close.upperBound...]
        }
        return out + rest
    }

    /// `text` as it appears between the quotes of a JSON string (RFC 8259 section 7).
    static func escapedForJSONString(_ text: String) -> String {
        var out = ByteBuffer(capacity: text.utf8.count + 8)
        out.writeJSONString(text)
        let quoted = String(decoding: out.readableArray(), as: UTF8.self)
        return String(quoted.dropFirst().dropLast())
    }
}

private extension Substring {
    var trimmingSpaces: String {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
