import Testing
@testable import SwitchyardCore

@Suite struct NameSuggestionTests {
    @Test("edit distance counts inserts, deletes and substitutions")
    func distance() {
        #expect(NameSuggestion.distance(Array("kitten".utf8), Array("sitting".utf8)) == 3)
        #expect(NameSuggestion.distance([], Array("abc".utf8)) == 3)
        #expect(NameSuggestion.distance(Array("same".utf8), Array("same".utf8)) == 0)
        #expect(NameSuggestion.distance(Array("hihg".utf8), Array("high".utf8)) == 1)
    }

    @Test("near misses get a suggestion, far ones do not",
          arguments: [("helth_check", "health_check"), ("intances", "instances"), ("Listen", "listen"),
                      ("round-robin", "round_robin"), ("circuit_braker", "circuit_breaker"), ("hihg", "high")])
    func suggests(typo: String, expected: String) {
        let candidates = ["high", "listen", "instances", "health_check", "round_robin", "circuit_breaker", "routes"]
        #expect(NameSuggestion.suggest(typo, from: candidates) == expected)
    }

    @Test("unrelated names get no suggestion")
    func noSuggestion() {
        #expect(NameSuggestion.suggest("zzz", from: ["listen", "workers"]) == nil)
        #expect(NameSuggestion.suggest("upstreams", from: ["services", "listen"]) == nil)
    }
}
