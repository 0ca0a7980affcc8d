import Testing
@testable import SwitchyardCore

@Suite struct AddressParserTests {
    @Test("listen addresses: IPv4, bracketed IPv6, bare port, localhost, port 0",
          arguments: [("0.0.0.0:8080", "0.0.0.0", 8080), ("[::1]:80", "::1", 80), (":9000", "0.0.0.0", 9000),
                      ("localhost:1", "127.0.0.1", 1), ("127.0.0.1:0", "127.0.0.1", 0), ("[::]:8080", "::", 8080)])
    func listen(text: String, host: String, port: Int) throws {
        #expect(try AddressParser.listenAddress(text) == ListenAddress(host: host, port: UInt16(port)))
    }

    @Test("bad listen addresses are rejected",
          arguments: ["0.0.0.0", "example.com:80", "1.2.3.4:70000", "::1:80", "[::1:80", "1.2.3.4:x", "256.0.0.1:80",
                      "[::1]80", "01.2.3.4:80", ""])
    func badListen(text: String) {
        #expect(throws: ConfigValueError.self) { try AddressParser.listenAddress(text) }
    }

    @Test("instance URLs: default port 80, base path without trailing slash, IPv6, lower-cased host")
    func urls() throws {
        #expect(try AddressParser.upstreamURL("http://10.0.0.1:8080") == UpstreamURL(host: "10.0.0.1", port: 8080))
        #expect(try AddressParser.upstreamURL("http://Orders.internal") == UpstreamURL(host: "orders.internal", port: 80))
        #expect(try AddressParser.upstreamURL("HTTP://h:81/api/") == UpstreamURL(host: "h", port: 81, basePath: "/api"))
        #expect(try AddressParser.upstreamURL("http://[::1]:9001/") == UpstreamURL(host: "::1", port: 9001))
        #expect(try AddressParser.upstreamURL("http://[::1]:9001").description == "http://[::1]:9001")
    }

    @Test("instance URLs with another scheme, no scheme, user info, query or port 0 are rejected",
          arguments: ["https://a:443", "10.0.0.1:8080", "http://u:p@a:80", "http://a:80/?x=1", "http://a:0",
                      "http://:80", "http://a b:80", "http://a..b", "http://a:99999", "ftp://x"])
    func badURLs(text: String) {
        #expect(throws: ConfigValueError.self) { try AddressParser.upstreamURL(text) }
    }

    @Test("the https message says only http is supported")
    func httpsMessage() {
        #expect(throws: ConfigValueError("URL scheme `https` is not supported for instances; only `http` is")) {
            try AddressParser.upstreamURL("https://a:443")
        }
    }
}
