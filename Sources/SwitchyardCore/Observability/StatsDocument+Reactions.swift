extension StatsDocument {
    /// The `reactions` value of `/stats` alone (the dashboard's `/events` embeds it as is).
    public static func writeReactions(_ r: ReactionsSnapshot, into out: inout ByteBuffer) {
        var w = JSONWriter()
        writeReactions(r, &w, &out)
    }

    /// `"reactions": {"configured": [...], "recent": [...]}` (docs/ADMIN.md): each configured reaction
    /// with its counts (`service` null for a global one), then the recent outcomes, newest last.
    static func writeReactions(_ r: ReactionsSnapshot, _ w: inout JSONWriter, _ out: inout ByteBuffer) {
        w.beginObject(into: &out)
        w.key("configured", into: &out)
        w.beginArray(into: &out)
        for c in r.configured {
            w.beginObject(into: &out)
            w.key("name", into: &out); w.value(c.name, into: &out)
            w.key("kind", into: &out); w.value(c.kind, into: &out)
            w.key("on", into: &out)
            w.beginArray(into: &out)
            for kind in c.on { w.value(kind, into: &out) }
            w.endArray(into: &out)
            w.key("service", into: &out)
            if let service = c.service { w.value(service, into: &out) } else { w.null(into: &out) }
            w.key("executed", into: &out); w.value(c.counts.executed, into: &out)
            w.key("failed", into: &out); w.value(c.counts.failed, into: &out)
            w.key("skipped", into: &out); w.value(c.counts.skipped, into: &out)
            w.key("running", into: &out); w.value(c.counts.running, into: &out)
            w.endObject(into: &out)
        }
        w.endArray(into: &out)
        w.key("recent", into: &out)
        w.beginArray(into: &out)
        for record in r.recent {
            w.beginObject(into: &out)
            var at = ByteBuffer(capacity: 32)
            RFC3339Timestamp.write(unixMs: record.atUnixMs, into: &at)
            w.key("at", into: &out); w.value(String(decoding: at.readableArray(), as: UTF8.self), into: &out)
            w.key("reaction", into: &out); w.value(record.reaction, into: &out)
            w.key("kind", into: &out); w.value(record.kind, into: &out)
            w.key("event", into: &out); w.value(record.event, into: &out)
            w.key("service", into: &out); w.value(record.service, into: &out)
            w.key("instance", into: &out)
            if let instance = record.instance { w.value(instance, into: &out) } else { w.null(into: &out) }
            w.key("outcome", into: &out); w.value(record.outcome.rawValue, into: &out)
            w.key("detail", into: &out); w.value(record.detail, into: &out)
            w.endObject(into: &out)
        }
        w.endArray(into: &out)
        w.endObject(into: &out)
    }
}
