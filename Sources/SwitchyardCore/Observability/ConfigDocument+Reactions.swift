extension ConfigDocument {
    /// `reactions` (top level or a service's) with the keys of `config.yaml`. Header values are
    /// `<redacted>` and a webhook URL shows only `scheme://host:port/<redacted>` when it has a path or
    /// query: both commonly carry the receiver's credential.
    static func writeReactions(_ list: [ReactionConfig], _ w: inout JSONWriter, _ out: inout ByteBuffer) {
        w.beginArray(into: &out)
        for r in list {
            w.beginObject(into: &out)
            w.key("name", into: &out); w.value(r.name, into: &out)
            w.key("on", into: &out); writeStrings(r.on.map(\.rawValue), &w, &out)
            w.key("trigger", into: &out); w.value(r.trigger, into: &out)
            w.key("every", into: &out); w.value(durationText(r.every), into: &out)
            w.key(r.action.kindName, into: &out)
            switch r.action {
            case let .webhook(url, headers, template, timeout, retries, retryDelay):
                w.beginObject(into: &out)
                w.key("url", into: &out); w.value(redactedURL(url), into: &out)
                w.key("headers", into: &out)
                w.beginObject(into: &out)
                for (name, _) in headers { w.key(name, into: &out); w.value(redacted, into: &out) }
                w.endObject(into: &out)
                w.key("body", into: &out)
                if let template { w.value(template, into: &out) } else { w.null(into: &out) }
                w.key("timeout", into: &out); w.value(durationText(timeout), into: &out)
                w.key("retries", into: &out); w.value(retries, into: &out)
                w.key("retry_delay", into: &out); w.value(durationText(retryDelay), into: &out)
                w.endObject(into: &out)
            case let .exec(command, timeout, maxRunning):
                w.beginObject(into: &out)
                w.key("command", into: &out); writeStrings(command, &w, &out)
                w.key("timeout", into: &out); w.value(durationText(timeout), into: &out)
                w.key("max_running", into: &out); w.value(maxRunning, into: &out)
                w.endObject(into: &out)
            case let .email(relay, from, to, subject, timeout):
                w.beginObject(into: &out)
                w.key("relay", into: &out); w.value(relay, into: &out)
                w.key("from", into: &out); w.value(from, into: &out)
                w.key("to", into: &out); writeStrings(to, &w, &out)
                w.key("subject", into: &out); w.value(subject, into: &out)
                w.key("timeout", into: &out); w.value(durationText(timeout), into: &out)
                w.endObject(into: &out)
            case .log:
                w.null(into: &out)
            }
            w.endObject(into: &out)
        }
        w.endArray(into: &out)
    }

    /// `https://hooks.example.com:443/<redacted>`; a URL with no path or query as it is.
    static func redactedURL(_ text: String) -> String {
        guard case .success(let url) = TargetURL.parse(text) else { return redacted }
        if url.path == "/" && url.query == nil { return text }
        let host = url.isIPv6 ? "[\(url.host)]" : url.host
        return "\(url.scheme)://\(host):\(url.port)/\(redacted)"
    }
}
