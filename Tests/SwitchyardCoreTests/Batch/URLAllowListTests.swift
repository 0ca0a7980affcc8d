import Testing
@testable import SwitchyardCore

@Suite struct URLAllowListTests {
    static let list = URLAllowList(["https://api.example.com/v1", "http://10.0.0.5:8080", "https://files.example.com/pub/",
                                    "http://[fd00::1]:81/x"])

    @Test("a URL is allowed on the same scheme, host and port, and the prefix's path on a segment boundary", arguments: [
        ("https://api.example.com/v1", true),
        ("https://api.example.com/v1/", true),
        ("https://api.example.com/v1/users?id=7", true),
        ("https://API.Example.COM/v1/users", true),
        ("HTTPS://api.example.com:443/v1", true),
        ("https://api.example.com/v1?x", true),
        ("https://api.example.com/v10", false),
        ("https://api.example.com/V1", false),
        ("https://api.example.com/", false),
        ("http://api.example.com/v1", false),
        ("https://api.example.com:8443/v1", false),
        ("https://api.example.com.evil.io/v1", false),
        ("https://api.example.com@evil.io/v1", false),
        ("https://user:pw@api.example.com/v1", false),
        ("https://api.example.com/v1/../admin", false),
        ("https://api.example.com/v1/%2e%2E/admin", false),
        ("https://api.example.com/v1/x#frag", false),
        ("https://api.example.com/v1/a b", false),
        ("https://api.example.com\\v1", false),
        ("ftp://api.example.com/v1", false),
        ("//api.example.com/v1", false),
        ("http://10.0.0.5:8080/anything", true),
        ("http://10.0.0.5/anything", false),
        ("http://10.0.0.5:8080", true),
        ("https://files.example.com/pub/a.txt", true),
        ("https://files.example.com/pub", false),
        ("https://files.example.com/public", false),
        ("http://[FD00::1]:81/x/y", true),
        ("http://[fd00::1]/x", false),
        ("http://[fd00::1:81/x", false),
        ("http://api.example.com:0/v1", false),
        ("http://api.example.com:99999/v1", false),
    ])
    func matching(_ url: String, _ allowed: Bool) {
        switch Self.list.check(url) {
        case .success: #expect(allowed, "\(url) was allowed")
        case .failure: #expect(!allowed, "\(url) was refused")
        }
    }

    @Test("refusals say why, and an allowed URL comes back parsed with its default port")
    func refusalsAndParsing() throws {
        let url = try Self.list.check("https://API.example.com/v1/x?q=1").get()
        #expect(url == TargetURL(scheme: "https", host: "api.example.com", port: 443, path: "/v1/x", query: "q=1"))
        #expect(url.description == "https://api.example.com:443/v1/x?q=1")
        guard case .failure(let r) = Self.list.check("https://evil.io/v1") else { Issue.record("allowed"); return }
        #expect(r.message == "`https://evil.io/v1` is not under any prefix of multiplex.allow_urls")
        guard case .failure(let u) = Self.list.check("https://a@api.example.com/v1") else { Issue.record("allowed"); return }
        #expect(u.message == "`https://a@api.example.com/v1` has user info (`@`); it is not allowed")
    }

    @Test("a forbidden resolved address is refused unless the matching prefix names that very IP literal", arguments: [
        ("https://api.example.com/v1/x", "93.184.216.34", true),
        ("https://api.example.com/v1/x", "127.0.0.1", false),
        ("https://api.example.com/v1/x", "169.254.169.254", false),
        ("https://api.example.com/v1/x", "::ffff:10.0.0.1", false),
        ("http://10.0.0.5:8080/a", "10.0.0.5", true),
        ("http://10.0.0.5:8080/a", "10.0.0.6", false),
        ("http://[fd00::1]:81/x/y", "fd00::1", true),
        ("http://[fd00::1]:81/x/y", "fd00::2", false),
    ])
    func resolvedAddress(_ url: String, _ address: String, _ allowed: Bool) throws {
        let target = try Self.list.check(url).get()
        let ip = try #require(IPAddress(address))
        #expect(Self.list.allowsConnection(to: ip.bytes, for: target) == allowed)
    }

    @Test("an empty allow-list refuses every URL")
    func empty() {
        #expect((try? URLAllowList([]).check("https://api.example.com/").get()) == nil)
    }
}
