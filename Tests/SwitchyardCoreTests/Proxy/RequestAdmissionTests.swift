import Testing
@testable import SwitchyardCore

@Suite struct RequestAdmissionTests {
    let routes = RouteTable(services: [ServiceConfig(name: "orders", routes: ["/orders"], instances: [])])
    var strict: RequestAdmission { RequestAdmission(methods: ["POST"], routes: routes, requireJSON: true) }
    var lax: RequestAdmission { RequestAdmission(methods: ["POST"], routes: routes, requireJSON: false) }

    func admit(_ method: String, _ path: String, _ contentType: String?, json: Bool = true) -> RequestAdmission.Verdict {
        let m = Array(method.utf8), p = Array(path.utf8), c = contentType.map { Array($0.utf8) }
        return m.withUnsafeBytes { mb in
            p.withUnsafeBytes { pb in
                if let c {
                    return c.withUnsafeBytes { cb in
                        (json ? strict : lax).admit(method: mb, path: pb, contentType: cb)
                    }
                }
                return (json ? strict : lax).admit(method: mb, path: pb, contentType: nil)
            }
        }
    }

    @Test("method, then route, then Content-Type, in SPEC order", arguments: [
        ("GET", "/orders", "application/json" as String?, RequestAdmission.Verdict.rejected(.methodNotAllowed, service: nil)),
        ("GET", "/nowhere", nil, .rejected(.methodNotAllowed, service: nil)),
        ("POST", "/nowhere", "application/json", .rejected(.noRoute, service: nil)),
        ("POST", "/orders/7", "text/plain", .rejected(.unsupportedMediaType, service: 0)),
        ("POST", "/orders/7", nil, .rejected(.unsupportedMediaType, service: 0)),
        ("POST", "/orders/7", "application/problem+json", .service(0)),
    ])
    func order(method: String, path: String, contentType: String?, verdict: RequestAdmission.Verdict) {
        #expect(admit(method, path, contentType) == verdict)
    }

    @Test("without require_json any Content-Type passes")
    func anyType() {
        #expect(admit("POST", "/orders", "text/plain", json: false) == .service(0))
    }
}

@Suite struct RequestAdmissionBatchTests {
    let routes = RouteTable(services: [ServiceConfig(name: "all", routes: ["/"], instances: [])])

    func admit(_ method: String, _ path: String, batchPath: String?) -> RequestAdmission.Verdict {
        let a = RequestAdmission(methods: ["POST", "GET"], routes: routes, requireJSON: true, batchPath: batchPath)
        let m = Array(method.utf8), p = Array(path.utf8), c = Array("application/json".utf8)
        return m.withUnsafeBytes { mb in p.withUnsafeBytes { pb in c.withUnsafeBytes { a.admit(method: mb, path: pb, contentType: $0) } } }
    }

    @Test("the batch path comes before the routes, without its query, and takes POST only")
    func batchPath() {
        #expect(admit("POST", "/_multiplex", batchPath: "/_multiplex") == .batch)
        #expect(admit("POST", "/_multiplex?trace=1", batchPath: "/_multiplex") == .batch)
        #expect(admit("GET", "/_multiplex", batchPath: "/_multiplex") == .rejected(.methodNotAllowed, service: nil))
        #expect(admit("POST", "/_multiplex/x", batchPath: "/_multiplex") == .service(0))
        #expect(admit("POST", "/_multiplex", batchPath: nil) == .service(0))
    }
}
