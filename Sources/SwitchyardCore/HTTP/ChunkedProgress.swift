/// The outcome of feeding bytes to a `ChunkedDecoder`.
public enum ChunkedProgress: Sendable, Equatable {
    /// All `consumed` bytes were taken (always the whole input); the body is not finished.
    case needMore(consumed: Int)
    /// The body ended (last chunk and trailer section read) after `consumed` bytes of this input;
    /// anything after belongs to the next message.
    case done(consumed: Int)
    /// The chunked framing is malformed (400) or the body is over `maxBody` (413). Close the connection.
    case error(HTTPError)
}
