import SwitchyardCore

/// The parts of an admin request the router needs, copied out of the connection's buffer.
/// Admin traffic is rare, so `String`s are fine here.
struct AdminRequest {
    var method: HTTPMethod
    /// The path without the query.
    var path: String
    /// The `Authorization` field value, nil when absent.
    var authorization: String?
    var keepAlive: Bool

    /// Extracts the request from `bytes`, the buffer `head` was parsed from.
    init(head: RequestHead, bytes: UnsafeRawBufferPointer) {
        method = head.method
        path = String(decoding: head.path.bytes(in: bytes), as: UTF8.self)
        keepAlive = head.keepAlive
        authorization = nil
        for field in head.headers where Self.isAuthorization(field.name.bytes(in: bytes)) {
            authorization = String(decoding: field.value.bytes(in: bytes), as: UTF8.self)
            break
        }
    }

    init(method: HTTPMethod, path: String, authorization: String? = nil, keepAlive: Bool = true) {
        self.method = method
        self.path = path
        self.authorization = authorization
        self.keepAlive = keepAlive
    }

    private static func isAuthorization(_ name: UnsafeRawBufferPointer) -> Bool {
        let expected: StaticString = "authorization"
        guard name.count == expected.utf8CodeUnitCount else { return false }
        for i in 0..<name.count {
            let b = name[i]
            let lower = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
            if lower != expected.utf8Start[i] { return false }
        }
        return true
    }
}
