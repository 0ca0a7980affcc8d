import Testing
@testable import SwitchyardCore

@Suite struct InstantTests {
    @Test("adding and subtracting durations moves an instant and saturates at zero")
    func arithmetic() {
        let t = Instant(nanoseconds: 1_000)
        #expect((t + .microseconds(1)).nanoseconds == 2_000)
        #expect((t + .nanoseconds(-5_000)).nanoseconds == 0)
        #expect(Instant(nanoseconds: 3_000) - t == .nanoseconds(2_000))
        #expect(t - Instant(nanoseconds: 3_000) == .nanoseconds(-2_000))
        #expect(Duration.seconds(2).nanoseconds == 2_000_000_000)
    }
}
