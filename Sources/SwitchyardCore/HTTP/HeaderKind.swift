/// The header fields the proxy treats specially, recognised case-insensitively. Everything else is
/// `.other` and forwarded unchanged, unless the `Connection` field lists it (`.listedInConnection`).
public enum HeaderKind: UInt8, Sendable, Equatable {
    case other
    case connection
    case keepAlive
    case te
    case trailer
    case upgrade
    /// Any name starting with `Proxy-` (`Proxy-Authorization`, `Proxy-Connection`, ...).
    case proxyPrefixed
    case transferEncoding
    case contentLength
    case host
    case contentType
    case expect
    case xForwardedFor
    case xForwardedProto
    case xForwardedHost
    case xRequestID
    /// An otherwise ordinary field named in a `Connection` field: hop-by-hop (RFC 9110 section 7.6.1).
    case listedInConnection

    /// Whether the field applies to one connection only and is never forwarded (SPEC section 5).
    @inlinable public var isHopByHop: Bool {
        switch self {
        case .connection, .keepAlive, .te, .trailer, .upgrade, .proxyPrefixed, .listedInConnection: true
        default: false
        }
    }

    /// Classifies a field name (already validated as a token).
    public static func classify(_ name: UnsafeRawBufferPointer) -> HeaderKind {
        switch name.count {
        case 2: if ASCII.equalsLowercased(name, "te") { return .te }
        case 4: if ASCII.equalsLowercased(name, "host") { return .host }
        case 6: if ASCII.equalsLowercased(name, "expect") { return .expect }
        case 7:
            if ASCII.equalsLowercased(name, "trailer") { return .trailer }
            if ASCII.equalsLowercased(name, "upgrade") { return .upgrade }
        case 10:
            if ASCII.equalsLowercased(name, "connection") { return .connection }
            if ASCII.equalsLowercased(name, "keep-alive") { return .keepAlive }
        case 12:
            if ASCII.equalsLowercased(name, "content-type") { return .contentType }
            if ASCII.equalsLowercased(name, "x-request-id") { return .xRequestID }
        case 14: if ASCII.equalsLowercased(name, "content-length") { return .contentLength }
        case 15: if ASCII.equalsLowercased(name, "x-forwarded-for") { return .xForwardedFor }
        case 16: if ASCII.equalsLowercased(name, "x-forwarded-host") { return .xForwardedHost }
        case 17:
            if ASCII.equalsLowercased(name, "transfer-encoding") { return .transferEncoding }
            if ASCII.equalsLowercased(name, "x-forwarded-proto") { return .xForwardedProto }
        default: break
        }
        if name.count > 6 && ASCII.equalsLowercased(UnsafeRawBufferPointer(rebasing: name[0..<6]), "proxy-") {
            return .proxyPrefixed
        }
        return .other
    }
}
