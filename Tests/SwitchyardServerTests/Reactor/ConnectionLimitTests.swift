import Testing
@testable import SwitchyardServer

@Suite struct ConnectionLimitTests {
    @Test("a cap lowered below the open count keeps the permits taken and refuses new ones until enough are released")
    func lowered() {
        let limit = ConnectionLimit(maximum: 3)
        for _ in 0..<3 { #expect(limit.tryAcquire()) }
        limit.setMaximum(1)
        #expect(limit.count == 3 && limit.maximum == 1 && !limit.hasCapacity)
        #expect(!limit.tryAcquire())
        limit.release()
        limit.release()
        #expect(!limit.tryAcquire())
        limit.release()
        #expect(limit.tryAcquire())
        #expect(!limit.tryAcquire())
    }

    @Test("a raised cap grants permits at once; a cap below 1 counts as 1")
    func raisedAndClamped() {
        let limit = ConnectionLimit(maximum: 1)
        #expect(limit.tryAcquire())
        #expect(!limit.tryAcquire())
        limit.setMaximum(2)
        #expect(limit.tryAcquire())
        limit.setMaximum(0)
        #expect(limit.maximum == 1)
    }
}
