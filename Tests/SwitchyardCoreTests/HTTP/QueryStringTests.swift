import Testing
@testable import SwitchyardCore

@Suite struct QueryStringTests {
    @Test("the query is after the first ?, before any #", arguments: [
        ("/events", ""), ("/events?token=a", "token=a"), ("/?a=1?b#frag", "a=1?b"), ("/?", ""),
    ])
    func query(_ target: String, _ expected: String) {
        #expect(QueryString.query(ofTarget: target) == expected[...])
    }

    @Test("values are found by decoded name and decoded; the first one wins", arguments: [
        ("token=abc", "abc"),
        ("x=1&token=a%2Fb%3D&token=second", "a/b="),
        ("token=two+words", "two words"),
        ("to%6Ben=escaped-name", "escaped-name"),
        ("&&token", ""),
        ("token=%E2%9C%93", "\u{2713}"),
    ] as [(String, String)])
    func found(_ query: String, _ expected: String) {
        #expect(QueryString.value(named: "token", in: query[...]) == expected)
    }

    @Test("absent names and malformed escapes give nil", arguments: ["", "tokens=a", "token=%4", "token=%zz", "token=%FF"])
    func missing(_ query: String) {
        #expect(QueryString.value(named: "token", in: query[...]) == nil)
    }
}
