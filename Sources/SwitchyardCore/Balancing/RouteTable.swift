/// Maps a request path to the service that serves it: the longest configured route prefix that ends
/// on a path-segment boundary.
///
/// `/orders` matches `/orders`, `/orders/7` and `/orders?x=1`, not `/ordersx`; `/` matches every path
/// (a catch-all service). A route ending in `/` (`/orders/`) matches only below it (`/orders/7`, not
/// `/orders`). The query string starts at the first `?` and is not part of the path. Matching is
/// byte-exact: case-sensitive and without percent-decoding (RFC 3986 section 6.2.1 treats paths as
/// case-sensitive; normalising them is the parser's job). When two services list the same route the
/// first one wins; config validation reports such duplicates.
///
/// Built once per config load; `match` allocates nothing and never creates a `String`.
public struct RouteTable: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var offset: Int
        var length: Int
        var service: Int
    }

    /// Every route's bytes, back to back.
    let bytes: [UInt8]
    /// Longest route first; equal lengths in config order.
    let entries: [Entry]

    /// Builds the table from each service's `routes`; `match` returns indices into `services`.
    public init(services: [ServiceConfig]) {
        var bytes: [UInt8] = []
        var entries: [(entry: Entry, order: Int)] = []
        for (service, config) in services.enumerated() {
            for route in config.routes {
                let entry = Entry(offset: bytes.count, length: route.utf8.count, service: service)
                bytes.append(contentsOf: route.utf8)
                entries.append((entry, entries.count))
            }
        }
        entries.sort { a, b in
            a.entry.length != b.entry.length ? a.entry.length > b.entry.length : a.order < b.order
        }
        self.bytes = bytes
        self.entries = entries.map(\.entry)
    }

    /// The index of the service whose route matches `path` (the request target's bytes, query
    /// string included or not), or `nil` when none does (the proxy answers 404).
    public func match(path: UnsafeRawBufferPointer) -> Int? {
        var end = 0
        while end < path.count && path[end] != UInt8(ascii: "?") { end += 1 }
        return bytes.withUnsafeBufferPointer { routes -> Int? in
            for e in entries where e.length <= end {
                var i = 0
                while i < e.length && path[i] == routes[e.offset + i] { i += 1 }
                guard i == e.length else { continue }
                if e.length == end || path[e.length] == UInt8(ascii: "/")
                    || (e.length > 0 && routes[e.offset + e.length - 1] == UInt8(ascii: "/")) {
                    return e.service
                }
            }
            return nil
        }
    }
}
