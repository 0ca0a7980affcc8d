/// Admits a parsed request head: is the method allowed, which service does the path route to, is the
/// body declared as JSON when JSON is required. Pure: it reads the head's bytes only. Built once per
/// configuration snapshot.
public struct RequestAdmission: Sendable {
    /// The verdict: the service index, or the error to answer with (and the service when one matched,
    /// so the error is counted under it).
    public enum Verdict: Sendable, Equatable {
        case service(Int)
        case rejected(ProxyError, service: Int?)
    }

    /// `accept.methods` as bytes (methods are case-sensitive, RFC 9110 section 9.1).
    public let allowedMethods: [[UInt8]]
    public let routes: RouteTable
    /// `accept.require_json`.
    public let requireJSON: Bool

    public init(methods: [String], routes: RouteTable, requireJSON: Bool) {
        allowedMethods = methods.map { Array($0.utf8) }
        self.routes = routes
        self.requireJSON = requireJSON
    }

    /// Checks in SPEC order: method (405), route (404), Content-Type (415).
    /// - Parameters:
    ///   - contentType: the `Content-Type` value, nil when absent.
    @inlinable @inline(__always)
    public func admit(method: UnsafeRawBufferPointer, path: UnsafeRawBufferPointer,
                      contentType: UnsafeRawBufferPointer?) -> Verdict {
        guard allowedMethods.contains(where: { $0.elementsEqual(method) }) else {
            return .rejected(.methodNotAllowed, service: nil)
        }
        guard let service = routes.match(path: path) else { return .rejected(.noRoute, service: nil) }
        if requireJSON {
            guard let contentType, MediaType.isJSON(contentType) else {
                return .rejected(.unsupportedMediaType, service: service)
            }
        }
        return .service(service)
    }
}
