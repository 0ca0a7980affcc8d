import Testing
@testable import SwitchyardCore

@Suite struct IPAddressTests {
    @Test("text to bytes and back to the RFC 5952 form",
          arguments: [("10.0.0.1", "10.0.0.1"), ("::1", "::1"), ("::", "::"), ("2001:DB8:0:0:0:0:2:1", "2001:db8::2:1"),
                      ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"), ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
                      ("fe80::", "fe80::"), ("1:0:0:2:0:0:3:4", "1::2:0:0:3:4"), ("::ffff:10.1.2.3", "::ffff:10.1.2.3"),
                      ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"), ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0")])
    func roundTrip(text: String, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
    }

    @Test("malformed addresses are rejected",
          arguments: ["", "1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9",
                      "::1.2.3.4:5", "g::1", ":1::", "1:2:3:4:5:6:7", "[::1]", "::1%eth0", "1.2.3.4::"])
    func rejected(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("bytes: 4 is IPv4, 16 is IPv6, any other count is refused")
    func fromBytes() {
        #expect(IPAddress(bytes: [192, 0, 2, 1])?.description == "192.0.2.1")
        #expect(IPAddress(bytes: [UInt8](repeating: 0, count: 15) + [1])?.isIPv6 == true)
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
    }

    @Test("IPv4 sorts before IPv6, then by bytes")
    func ordering() {
        let sorted = ["::1", "10.0.0.2", "9.0.0.1", "10.0.0.10"].compactMap(IPAddress.init).sorted()
        #expect(sorted.map(\.description) == ["9.0.0.1", "10.0.0.2", "10.0.0.10", "::1"])
    }
}
