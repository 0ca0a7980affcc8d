/// How long a batch part's answer may be kept in its service's cache (`services[].cache`), from
/// its status and `Cache-Control` (RFC 9111 section 5.2.2, as a shared cache): nil means not stored.
///
/// - Only 2xx answers are stored.
/// - `no-store`, `no-cache` and `private` mean not stored (this cache does not revalidate, and its
///   answers go to every client of the batch endpoint).
/// - `s-maxage=N`, else `max-age=N`, sets the lifetime (0: not stored); without either the
///   service's `cache.ttl` applies.
public enum CacheLifetime {
    public static func of(status: Int, cacheControl: [String], configured ttl: Duration) -> Duration? {
        guard (200...299).contains(status) else { return nil }
        var maxAge: Int?
        var sharedMaxAge: Int?
        for value in cacheControl {
            for raw in value.split(separator: ",") {
                let directive = raw.trimmingSpaces.lowercased()
                let parts = directive.split(separator: "=", maxSplits: 1).map(String.init)
                guard let name = parts.first else { continue }
                let argument = parts.count > 1 ? parts[1].trimmingQuotes : nil
                switch name {
                case "no-store", "no-cache", "private": return nil
                case "max-age": maxAge = argument.flatMap { Int($0) }.map { max(0, $0) } ?? 0
                case "s-maxage": sharedMaxAge = argument.flatMap { Int($0) }.map { max(0, $0) } ?? 0
                default: continue
                }
            }
        }
        guard let seconds = sharedMaxAge ?? maxAge else { return ttl }
        return seconds > 0 ? .seconds(min(seconds, 365 * 86_400)) : nil
    }
}

private extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}

private extension String {
    var trimmingQuotes: String {
        count >= 2 && hasPrefix("\"") && hasSuffix("\"") ? String(dropFirst().dropLast()) : self
    }
}
