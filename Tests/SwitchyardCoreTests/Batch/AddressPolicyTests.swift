import Testing
@testable import SwitchyardCore

@Suite struct AddressPolicyTests {
    @Test("loopback, private, link-local, multicast and their IPv6 forms are forbidden; public addresses are not", arguments: [
        ("127.0.0.1", true), ("127.255.0.9", true), ("0.0.0.0", true), ("10.1.2.3", true), ("172.16.0.1", true),
        ("172.31.255.255", true), ("172.32.0.1", false), ("172.15.0.1", false), ("192.168.1.1", true),
        ("169.254.169.254", true), ("100.64.0.1", true), ("100.128.0.1", false), ("224.0.0.1", true),
        ("255.255.255.255", true), ("240.0.0.1", true), ("198.18.0.1", true), ("192.0.0.8", true),
        ("8.8.8.8", false), ("93.184.216.34", false), ("1.1.1.1", false), ("192.0.2.1", false),
        ("::1", true), ("::", true), ("fe80::1", true), ("febf::1", true), ("fec0::1", false), ("fc00::1", true),
        ("fd12:3456::1", true), ("ff02::1", true), ("::ffff:127.0.0.1", true), ("::ffff:10.0.0.1", true),
        ("::ffff:8.8.8.8", false), ("::127.0.0.1", true), ("64:ff9b::a00:1", true), ("64:ff9b::808:808", false),
        ("2001:4860:4860::8888", false), ("2606:4700::1111", false),
    ])
    func table(_ text: String, _ forbidden: Bool) throws {
        let address = try #require(IPAddress(text))
        #expect(AddressPolicy.isForbidden(address.bytes) == forbidden, "\(text)")
        #expect(AddressPolicy.isForbidden(address) == forbidden)
    }

    @Test("byte strings that are not 4 or 16 long are forbidden")
    func badLengths() {
        #expect(AddressPolicy.isForbidden([]))
        #expect(AddressPolicy.isForbidden([8, 8, 8]))
        #expect(AddressPolicy.isForbidden([UInt8](repeating: 8, count: 5)))
    }
}
