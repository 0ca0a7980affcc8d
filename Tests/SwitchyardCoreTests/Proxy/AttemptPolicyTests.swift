import Testing
@testable import SwitchyardCore

@Suite struct AttemptPolicyTests {
    let policy = AttemptPolicy(retries: RetryConfig(attempts: 2, on: [.connectFailure]))

    @Test("a refused connect is retried elsewhere until the attempts run out, then 502")
    func connectFailures() {
        #expect(policy.decide(after: .connectFailed, attempt: 1, reusedConnection: false) == .retryElsewhere)
        #expect(policy.decide(after: .connectFailed, attempt: 2, reusedConnection: false) == .fail(.badGateway))
        #expect(policy.decide(after: .connectFailed, attempt: 1, reusedConnection: false, canTryAnother: false)
                == .fail(.badGateway))
    }

    @Test("a pooled connection closed before the response is retried once on a fresh connection")
    func keepAliveRace() {
        #expect(policy.decide(after: .closedBeforeResponse, attempt: 1, reusedConnection: true) == .retryOnFreshConnection)
        #expect(policy.decide(after: .closedBeforeResponse, attempt: 1, reusedConnection: true, freshRetryUsed: true)
                == .fail(.badGateway))
        #expect(policy.decide(after: .closedBeforeResponse, attempt: 1, reusedConnection: false) == .fail(.badGateway))
    }

    @Test("timeouts answer 504 and are retried only when configured")
    func timeouts() {
        #expect(policy.decide(after: .timedOut, attempt: 1, reusedConnection: false) == .fail(.gatewayTimeout))
        let lenient = AttemptPolicy(retries: RetryConfig(attempts: 3, on: [.connectFailure, .timeout]))
        #expect(lenient.decide(after: .timedOut, attempt: 2, reusedConnection: false) == .retryElsewhere)
        #expect(lenient.decide(after: .timedOut, attempt: 3, reusedConnection: false) == .fail(.gatewayTimeout))
    }

    @Test("malformed responses are never retried")
    func malformed() {
        #expect(policy.decide(after: .malformedResponse, attempt: 1, reusedConnection: true) == .fail(.badGateway))
        #expect(policy.decide(after: .closedMidResponse, attempt: 1, reusedConnection: true) == .fail(.badGateway))
    }
}
