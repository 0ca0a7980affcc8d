/// The request method, recognised case-sensitively (RFC 9110 section 9.1). Any other valid token is
/// `.other`; its bytes are in `RequestHead.methodRange`.
public enum HTTPMethod: Sendable, Equatable {
    case get, head, post, put, delete, patch, options, other
}
