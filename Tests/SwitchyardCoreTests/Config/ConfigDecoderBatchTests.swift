import Testing
@testable import SwitchyardCore

@Suite struct ConfigDecoderBatchTests {
    @Test("without a multiplex section the batch endpoint is off; an empty one takes every default")
    func offAndDefaults() throws {
        #expect(try decode(["services": [demoService]]).get().multiplex == nil)
        let m = try #require(try decode(["services": [demoService], "multiplex": "null"]).get().multiplex)
        #expect(m == BatchConfig())
        #expect(m.path == "/_multiplex" && m.maxParts == 50 && m.maxBody == 1 << 20)
        #expect(m.maxTimeout == .seconds(10) && m.defaultTimeout == .seconds(10) && m.allowURLs.isEmpty)
    }

    @Test("every multiplex key is read, and default_timeout follows max_timeout when left out")
    func everyKey() throws {
        let y: Y = ["services": [demoService], "multiplex": [
            "path": "/batch", "max_parts": "20", "max_body": "256KiB", "max_timeout": "2s", "default_timeout": "500ms",
            "allow_urls": ["https://api.example.com/v1", "http://10.0.0.5:8080"],
        ]]
        let m = try #require(try decode(y).get().multiplex)
        #expect(m == BatchConfig(path: "/batch", maxParts: 20, maxBody: 256 << 10, maxTimeout: .seconds(2),
                                 defaultTimeout: .milliseconds(500),
                                 allowURLs: ["https://api.example.com/v1", "http://10.0.0.5:8080"]))
        let only = try #require(try decode(["services": [demoService], "multiplex": ["max_timeout": "3s"]]).get().multiplex)
        #expect(only.defaultTimeout == .seconds(3))
    }

    @Test("multiplex mistakes are named with their path", arguments: [
        (["max_part": "5"] as Y, "multiplex.max_part: unknown key `max_part`; did you mean `max_parts`?"),
        (["ca_file": "certs/ca.pem"] as Y, "multiplex.ca_file: `certs/ca.pem` must be an absolute path"),
        (["max_parts": "0"] as Y, "multiplex.max_parts: 0 is out of range; must be between 1 and 1000"),
        (["path": "_multiplex"] as Y, "multiplex.path: `_multiplex` must be a path starting with `/` (no `?`, `#`, `*` or spaces)"),
        (["max_timeout": "1s", "default_timeout": "2s"] as Y,
         "multiplex.default_timeout: default_timeout (2.0 seconds) must not exceed max_timeout (1.0 seconds)"),
        (["max_timeout": "0s"] as Y, "multiplex.max_timeout: must be longer than zero"),
        (["allow_urls": ["ftp://files.example.com"]] as Y,
         "multiplex.allow_urls[0]: URL scheme `ftp` is not allowed; only `http` and `https` are"),
        (["allow_urls": ["https://user@api.example.com"]] as Y,
         "multiplex.allow_urls[0]: `https://user@api.example.com` has user info (`@`); it is not allowed"),
        (["allow_urls": ["https://api.example.com/v1?x=1"]] as Y,
         "multiplex.allow_urls[0]: a URL prefix cannot have a query (`?`)"),
        (["allow_urls": ["https://API.example.com:443/v1", "https://api.example.com/v1"]] as Y,
         "multiplex.allow_urls[1]: `https://api.example.com/v1` is listed twice"),
        (["allow_urls": "https://api.example.com"] as Y,
         "multiplex.allow_urls: expected a list of URL prefixes like [\"https://api.example.com/v1\"], got `https://api.example.com`"),
    ])
    func mistakes(section: Y, expected: String) {
        #expect(problems(["services": [demoService], "multiplex": section]) == [expected])
    }

    @Test("a service's cache is off unless given; given, ttl and max_entries are read with defaults")
    func cache() throws {
        #expect(try decode(["services": [demoService]]).get().services[0].cache == nil)
        let y: Y = ["services": [["name": "a", "routes": ["/"], "instances": ["http://h"],
                                  "cache": ["ttl": "5s", "max_entries": "10"]]]]
        #expect(try decode(y).get().services[0].cache == CacheConfig(ttl: .seconds(5), maxEntries: 10))
        let empty: Y = ["services": [["name": "a", "routes": ["/"], "instances": ["http://h"], "cache": ["ttl": "1m"]]]]
        #expect(try decode(empty).get().services[0].cache == CacheConfig(ttl: .seconds(60), maxEntries: 1000))
    }

    @Test("cache mistakes are named with their path", arguments: [
        (["tll": "5s"] as Y, "services[0].cache.tll: unknown key `tll`; did you mean `ttl`?"),
        (["max_entries": "0"] as Y, "services[0].cache.max_entries: 0 is out of range; must be between 1 and 1000000"),
        (["ttl": "5"] as Y, "services[0].cache.ttl: `5` needs a unit: ns, us, ms, s, m or h (e.g. `5s`)"),
    ])
    func cacheMistakes(section: Y, expected: String) {
        let y: Y = ["services": [["name": "a", "routes": ["/"], "instances": ["http://h"], "cache": section]]]
        #expect(problems(y) == [expected])
    }

    @Test("a batch body limit over accept.max_body is refused: every body is read under accept's limit")
    func batchBodyOverAccept() {
        #expect(problems(["services": [demoService], "accept": ["max_body": "64KiB"], "multiplex": ["max_body": "1MiB"]])
                == ["multiplex.max_body: max_body (1048576 bytes) is over accept.max_body (65536 bytes): every request body, a batch's too, is read under accept.max_body"])
        #expect(problems(["services": [demoService], "accept": ["max_body": "64KiB"], "multiplex": ["max_body": "64KiB"]]) == [])
    }
}
