/// The HTTP versions the proxy speaks (RFC 9112 section 2.3); anything else is rejected.
public enum HTTPVersion: Sendable, Equatable {
    case http10
    case http11
}
