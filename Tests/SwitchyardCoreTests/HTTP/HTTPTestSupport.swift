@testable import SwitchyardCore

/// Helpers for the HTTP codec tests: bytes in, readable results out.
enum HTTPTest {
    /// Parses `text` in one call.
    static func parseRequest(_ text: String, limits: HTTPLimits = HTTPLimits()) -> (HeadParseResult, RequestHead) {
        var parser = RequestHeadParser(limits: limits)
        var head = RequestHead()
        let bytes = Array(text.utf8)
        let result = bytes.withUnsafeBytes { parser.parse($0, into: &head) }
        return (result, head)
    }

    /// The status a request is refused with, or nil when it parses.
    static func rejection(_ text: String, limits: HTTPLimits = HTTPLimits()) -> Int? {
        if case let .error(e) = parseRequest(text, limits: limits).0 { return e.error.status }
        return nil
    }

    /// The text of `range` inside `text`.
    static func string(_ range: ByteRange?, in text: String) -> String? {
        guard let range else { return nil }
        return String(decoding: Array(text.utf8)[range.start..<range.end], as: UTF8.self)
    }

    static func string(_ buffer: borrowing ByteBuffer) -> String {
        String(decoding: buffer.readableArray(), as: UTF8.self)
    }

    static func parseResponse(_ text: String, method: HTTPMethod = .post,
                              limits: HTTPLimits = HTTPLimits()) -> (HeadParseResult, ResponseHead) {
        var parser = ResponseHeadParser(limits: limits)
        var head = ResponseHead()
        let bytes = Array(text.utf8)
        let result = bytes.withUnsafeBytes { parser.parse($0, requestMethod: method, into: &head) }
        return (result, head)
    }
}
