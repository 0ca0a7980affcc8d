import SwitchyardCore

/// The parts of an admin request the router needs, copied out of the connection's buffer.
/// Admin traffic is rare, so `String`s are fine here.
struct AdminRequest {
    var method: HTTPMethod
    /// The path without the query.
    var path: String
    /// The query without `?` (empty when there is none); only `GET /events` reads it (`?token=`).
    var query: String
    /// The `Authorization` field value, nil when absent.
    var authorization: String?
    var keepAlive: Bool
    /// The client's `X-Request-Id` when it sent a sane one (1 ... 128 visible ASCII bytes, as the
    /// proxy accepts: `RequestHead.requestID`), else one the admin server made; echoed in the
    /// answer's `X-Request-Id` and in error bodies.
    var requestID: String

    /// Extracts the request from `bytes`, the buffer `head` was parsed from; `makeID` gives the
    /// request id when the client sent none.
    init(head: RequestHead, bytes: UnsafeRawBufferPointer, makeID: () -> String) {
        method = head.method
        path = String(decoding: head.path.bytes(in: bytes), as: UTF8.self)
        query = String(QueryString.query(ofTarget: String(decoding: head.target.bytes(in: bytes), as: UTF8.self)))
        keepAlive = head.keepAlive
        requestID = head.requestID.map { String(decoding: $0.bytes(in: bytes), as: UTF8.self) } ?? makeID()
        authorization = nil
        for field in head.headers where Self.isAuthorization(field.name.bytes(in: bytes)) {
            authorization = String(decoding: field.value.bytes(in: bytes), as: UTF8.self)
            break
        }
    }

    init(method: HTTPMethod, path: String, query: String = "", authorization: String? = nil, keepAlive: Bool = true,
         requestID: String = "0000000000000000") {
        self.method = method
        self.path = path
        self.query = query
        self.authorization = authorization
        self.keepAlive = keepAlive
        self.requestID = requestID
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
