/// What a parser or decoder reports when a message is malformed: the client-visible error and a
/// static message saying which rule was broken (used as the JSON `message` and in logs).
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public var error: ProxyError
    public var message: StaticString

    public init(_ error: ProxyError, _ message: StaticString) {
        self.error = error
        self.message = message
    }

    public init(error: ProxyError, message: StaticString) {
        self.init(error, message)
    }

    public static func == (a: HTTPError, b: HTTPError) -> Bool {
        a.error == b.error && a.message.utf8CodeUnitCount == b.message.utf8CodeUnitCount
            && (0..<a.message.utf8CodeUnitCount).allSatisfy { a.message.utf8Start[$0] == b.message.utf8Start[$0] }
    }

    public var description: String { "\(error.status) \(message)" }
}
