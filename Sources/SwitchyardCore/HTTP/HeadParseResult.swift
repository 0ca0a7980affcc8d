/// The outcome of one call to a head parser.
public enum HeadParseResult: Sendable, Equatable {
    /// The head is not complete: call again with the same bytes plus more.
    case needMore
    /// The head is complete and `consumed` bytes long (leading empty lines included); the body, if
    /// any, starts there.
    case complete(consumed: Int)
    /// The head is malformed; the connection must be closed after answering.
    case error(HTTPError)
}
