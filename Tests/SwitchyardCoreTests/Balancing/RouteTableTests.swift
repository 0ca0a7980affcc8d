import Testing
@testable import SwitchyardCore

@Suite struct RouteTableTests {
    static func service(_ name: String, _ routes: [String]) -> ServiceConfig {
        ServiceConfig(name: name, routes: routes, instances: [InstanceConfig(url: UpstreamURL(host: "127.0.0.1", port: 9001))])
    }

    // 0 orders, 1 order-items (longer prefix inside orders), 2 users (trailing slash), 3 catch-all.
    static let table = RouteTable(services: [
        service("orders", ["/orders", "/v2/orders"]),
        service("order-items", ["/orders/items"]),
        service("users", ["/users/"]),
        service("fallback", ["/"]),
    ])
    static let noCatchAll = RouteTable(services: [service("orders", ["/orders"]), service("api", ["/api/v1"])])

    func match(_ table: RouteTable, _ path: String) -> Int? {
        var path = path
        return path.withUTF8 { table.match(path: UnsafeRawBufferPointer($0)) }
    }

    @Test("longest prefix on a segment boundary wins", arguments: [
        ("/orders", 0), ("/orders/", 0), ("/orders/7", 0), ("/orders?x=1", 0), ("/orders/7?x=/items", 0),
        ("/v2/orders/9", 0), ("/orders/items", 1), ("/orders/items/3", 1), ("/orders/itemsx", 0),
        ("/orders/items?all", 1), ("/ordersx", 3), ("/order", 3), ("/v2", 3), ("/", 3), ("/anything/else", 3),
        ("/users/42", 2), ("/users/", 2), ("/users", 3), ("/Orders", 3), ("?x=/orders", nil), ("", nil),
    ] as [(String, Int?)])
    func withCatchAll(path: String, expected: Int?) {
        #expect(match(Self.table, path) == expected)
    }

    @Test("without a catch-all, unmatched paths have no service", arguments: [
        ("/orders", 0), ("/orders/1", 0), ("/ordersx", nil), ("/", nil), ("/api/v1/x", 1), ("/api/v2", nil),
        ("/api", nil), ("/api/v1?q", 1),
    ] as [(String, Int?)])
    func withoutCatchAll(path: String, expected: Int?) {
        #expect(match(Self.noCatchAll, path) == expected)
    }

    @Test("a route listed by two services goes to the first")
    func duplicates() {
        let t = RouteTable(services: [Self.service("a", ["/x"]), Self.service("b", ["/x", "/y"])])
        #expect(match(t, "/x/1") == 0)
        #expect(match(t, "/y") == 1)
        #expect(match(RouteTable(services: []), "/") == nil)
    }
}
