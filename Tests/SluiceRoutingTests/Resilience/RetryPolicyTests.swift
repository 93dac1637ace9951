import Testing
@testable import SluiceRouting

@Suite("RetryPolicy backoff and Retry-After")
struct RetryPolicyTests {
    @Test("backoff ceilings double from the base delay up to the cap")
    func ceilingsGrowExponentially() {
        let policy = RetryPolicy(attemptsPerUpstream: 10)
        let ceilings = (1...8).map { policy.backoffCeiling(afterAttempt: $0) }
        #expect(ceilings == [
            .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600),
            .seconds(2), .seconds(2), .seconds(2),
        ])
        #expect(policy.backoffCeiling(afterAttempt: 10_000) == .seconds(2))
    }

    @Test("jitter spans zero to the ceiling")
    func jitterEnds() {
        let top = RetryPolicy(attemptsPerUpstream: 10, jitter: .fixed(1))
        let bottom = RetryPolicy(attemptsPerUpstream: 10, jitter: .fixed(0))
        let middle = RetryPolicy(attemptsPerUpstream: 10, jitter: .fixed(0.5))
        for attempt in 1...9 {
            #expect(top.delay(afterAttempt: attempt, retryAfter: nil) == top.backoffCeiling(afterAttempt: attempt))
            #expect(bottom.delay(afterAttempt: attempt, retryAfter: nil) == .zero)
            #expect(middle.delay(afterAttempt: attempt, retryAfter: nil) == top.backoffCeiling(afterAttempt: attempt) / 2)
        }
    }

    @Test("seeded jittered delays stay within [0, ceiling] and are repeatable")
    func jitterWithinBounds() throws {
        let policy = RetryPolicy(attemptsPerUpstream: 10, jitter: .seeded(42))
        let again = RetryPolicy(attemptsPerUpstream: 10, jitter: .seeded(42))
        var sums: [Duration] = Array(repeating: .zero, count: 10)
        for _ in 0..<200 {
            for attempt in 1...9 {
                let delay = try #require(policy.delay(afterAttempt: attempt, retryAfter: nil))
                #expect(delay >= .zero)
                #expect(delay <= policy.backoffCeiling(afterAttempt: attempt))
                #expect(again.delay(afterAttempt: attempt, retryAfter: nil) == delay)
                sums[attempt] += delay
            }
        }
        // The mean delay grows with the ceiling (about half of it each time): 10, 20, 40, 80, 160 ms.
        for attempt in 1...4 { #expect(sums[attempt + 1] > sums[attempt] * 3 / 2) }
    }

    @Test("attempts exhausted: no delay, move on")
    func attemptsExhausted() {
        let policy = RetryPolicy()
        #expect(policy.attemptsPerUpstream == 2)
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil) != nil)
        #expect(policy.delay(afterAttempt: 2, retryAfter: nil) == nil)
        #expect(policy.delay(afterAttempt: 0, retryAfter: nil) == nil)
        #expect(RetryPolicy.noRetries.delay(afterAttempt: 1, retryAfter: nil) == nil)
        let three = RetryPolicy(attemptsPerUpstream: 3)
        #expect(three.delay(afterAttempt: 2, retryAfter: nil) != nil)
        #expect(three.delay(afterAttempt: 3, retryAfter: nil) == nil)
    }

    @Test("Retry-After is honoured: the delay is at least as long")
    func retryAfterHonoured() throws {
        let policy = RetryPolicy(attemptsPerUpstream: 5, jitter: .seeded(7))
        for retryAfter: Duration in [.milliseconds(1), .milliseconds(150), .seconds(1), .seconds(3), .seconds(5)] {
            for attempt in 1...4 {
                let delay = try #require(policy.delay(afterAttempt: attempt, retryAfter: retryAfter))
                #expect(delay >= retryAfter)
                #expect(delay <= max(retryAfter, policy.backoffCeiling(afterAttempt: attempt)))
            }
        }
        // A backoff longer than a short Retry-After is kept.
        let top = RetryPolicy(attemptsPerUpstream: 5, jitter: .fixed(1))
        #expect(top.delay(afterAttempt: 4, retryAfter: .milliseconds(10)) == .milliseconds(800))
        #expect(top.delay(afterAttempt: 1, retryAfter: .zero) == .milliseconds(100))
    }

    @Test("a Retry-After longer than the maximum means moving to the next fallback")
    func retryAfterTooLong() {
        let policy = RetryPolicy(maxRetryAfter: .seconds(5))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(6)) == nil)
        #expect(policy.delay(afterAttempt: 1, retryAfter: .milliseconds(5001)) == nil)
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(5)) != nil)
    }

    @Test("outcomes that count as failures and invite retries")
    func outcomeClassification() {
        for failure: UpstreamOutcome in [
            .status(429), .status(500), .status(502), .status(503), .status(599), .transportError,
            .timedOut(.connect), .timedOut(.firstByte), .timedOut(.total),
        ] {
            #expect(failure.isFailure)
            #expect(failure.isRetryable)
        }
        for passed: UpstreamOutcome in [.status(200), .status(400), .status(401), .status(404), .status(422)] {
            #expect(!passed.isFailure)
            #expect(!passed.isRetryable)
        }
        #expect(!UpstreamOutcome.status(408).isFailure)
        #expect(UpstreamOutcome.status(408).isRetryable)
    }
}
