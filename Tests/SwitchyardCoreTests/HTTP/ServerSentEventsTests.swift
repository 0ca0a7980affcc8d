import Testing
@testable import SwitchyardCore

@Suite struct ServerSentEventsTests {
    static func event(_ text: String) -> String {
        var out = ByteBuffer()
        Array(text.utf8).withUnsafeBytes { ServerSentEvents.writeEvent(data: $0, into: &out) }
        return String(decoding: out.readableArray(), as: UTF8.self)
    }

    @Test("an event is data lines and a blank line; every line break starts a new data line", arguments: [
        ("{\"a\":1}", "data: {\"a\":1}\n\n"),
        ("", "data: \n\n"),
        ("one\ntwo", "data: one\ndata: two\n\n"),
        ("one\r\ntwo\rthree\n", "data: one\ndata: two\ndata: three\ndata: \n\n"),
    ])
    func framing(_ data: String, _ expected: String) {
        #expect(Self.event(data) == expected)
    }

    @Test("retry is its own field line with the milliseconds")
    func retry() {
        var out = ByteBuffer()
        ServerSentEvents.writeRetry(milliseconds: 2000, into: &out)
        #expect(String(decoding: out.readableArray(), as: UTF8.self) == "retry: 2000\n")
    }
}
