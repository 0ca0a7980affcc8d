import SwitchyardCore

/// The inputs the benchmarks work on: what the proxy sees under `compare.py` and
/// `scripts/callgrind-proxy.sh` (wrk JSON POSTs through to nginx upstreams).
enum BenchFixtures {
    /// The JSON body wrk posts in `scripts/callgrind-proxy.sh` (132 bytes).
    static let smallJSON = Array(#"{"order":7,"user":"alice","items":[{"sku":"A-1","qty":2},{"sku":"B-7","qty":1}],"note":"benchmark payload","pad":"xxxxxxxxxxxxxxxx"}"#.utf8)

    /// A request head as wrk sends it with the bench script's `post.lua` (3 fields).
    static let request = Array("POST / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 132\r\nContent-Type: application/json\r\n\r\n".utf8)

    /// A response head as nginx 1.22 sends it for `return 200 '{"ok":true}'` (5 fields).
    static let response = Array("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Wed, 02 Dec 2026 10:00:00 GMT\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\n".utf8)

    /// A ~100 KB document: an array of records mixing strings (some non-ASCII and escaped), integers,
    /// fractions, exponents, literals and nesting, pretty-printed with spaces and newlines.
    static let largeJSON: [UInt8] = {
        var s = "[\n"
        var i = 0
        while s.utf8.count < 100_000 {
            if i > 0 { s += ",\n" }
            s += """
              {"id": \(i), "name": "customer \(i) Zoë Ünal", "email": "c\(i)@example.com", "active": \(i % 2 == 0),
               "score": \(i * 37 % 1000).\(i % 97), "ratio": -\(i % 13)e-\(i % 5 + 1), "note": "line\\nbreak \\"quoted\\" \\u00e9",
               "tags": ["alpha", "beta", "gamma"], "address": {"street": "\(i) Main Street", "zip": "\(10000 + i)", "geo": [\(i % 90).5, -\(i % 180).25]},
               "parent": null}
            """
            i += 1
        }
        s += "\n]\n"
        return Array(s.utf8)
    }()

    /// Four instances with distinct priorities and weights.
    static let instances: [InstanceConfig] = (0..<4).map { i in
        InstanceConfig(url: UpstreamURL(host: "127.0.0.1", port: UInt16(9001 + i)), priority: i < 2 ? 3 : 1, weight: i + 1)
    }
}

/// The generator the proxy's workers use, so random picks cost what they cost there.
typealias BenchRandom = SplitMix64
