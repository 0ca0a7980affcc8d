/// Admits a parsed request head: is the method allowed, which service does the path route to, is the
/// body declared as JSON when JSON is required. Pure: it reads the head's bytes only. Built once per
/// configuration snapshot.
public struct RequestAdmission: Sendable {
    /// The verdict: the service index, or the error to answer with (and the service when one matched,
    /// so the error is counted under it).
    public enum Verdict: Sendable, Equatable {
        case service(Int)
        /// A `POST` to the batch endpoint's path (`multiplex.path`).
        case batch
        case rejected(ProxyError, service: Int?)
    }

    /// `accept.methods` as bytes (methods are case-sensitive, RFC 9110 section 9.1).
    public let allowedMethods: [[UInt8]]
    public let routes: RouteTable
    /// `accept.require_json`.
    public let requireJSON: Bool
    /// `multiplex.path` when the batch endpoint is on: it is matched before the routes, without
    /// the query, and takes `POST` only.
    public let batchPath: [UInt8]?

    public init(methods: [String], routes: RouteTable, requireJSON: Bool, batchPath: String? = nil) {
        allowedMethods = methods.map { Array($0.utf8) }
        self.routes = routes
        self.requireJSON = requireJSON
        self.batchPath = batchPath.map { Array($0.utf8) }
    }

    /// Checks in SPEC order: method (405), route (404), Content-Type (415). The batch path comes
    /// first: `POST` to it is `.batch` (its body is checked by `BatchRequest.parse`), any other
    /// method 405.
    /// - Parameters:
    ///   - contentType: the `Content-Type` value, nil when absent.
    @inlinable @inline(__always)
    public func admit(method: UnsafeRawBufferPointer, path: UnsafeRawBufferPointer,
                      contentType: UnsafeRawBufferPointer?) -> Verdict {
        if let batchPath, Self.pathWithoutQuery(path).elementsEqual(batchPath) {
            return method.elementsEqual("POST".utf8) ? .batch : .rejected(.methodNotAllowed, service: nil)
        }
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

    @inlinable
    static func pathWithoutQuery(_ path: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard let q = path.firstIndex(of: UInt8(ascii: "?")) else { return path }
        return UnsafeRawBufferPointer(rebasing: path[..<q])
    }
}
