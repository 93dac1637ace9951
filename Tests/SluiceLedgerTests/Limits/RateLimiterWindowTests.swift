import Testing
@testable import SluiceLedger

/// Instants at exact millisecond offsets from one origin, so tests drive the window by hand.
struct LimiterTimeline {
    let origin = ContinuousClock.now

    func at(ms: Int64) -> ContinuousClock.Instant { origin + .milliseconds(ms) }

    func at(seconds: Int64) -> ContinuousClock.Instant { origin + .seconds(seconds) }
}

extension RateDecision {
    var isAllowed: Bool { ticket != nil }
}

@Suite("RateLimiter sliding window")
struct RateLimiterWindowTests {
    @Test("a request counts from t through t + 59.999 s and is freed at exactly t + 60 s")
    func boundaries() throws {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        #expect(limiter.admit(keyID: "k", rpm: 1, tpm: nil, estimatedTokens: 0, now: time.at(ms: 0)).isAllowed)
        for ms: Int64 in [0, 1, 30_000, 59_900, 59_999] {
            let decision = limiter.admit(keyID: "k", rpm: 1, tpm: nil, estimatedTokens: 0, now: time.at(ms: ms))
            let exceeded = try #require(decision.exceeded, "counted at \(ms) ms")
            #expect(exceeded.kind == .requests)
            #expect(exceeded.limit == 1)
            #expect(exceeded.retryAfter == .milliseconds(60_000 - ms))
        }
        #expect(limiter.usage(keyID: "k", now: time.at(ms: 59_999)).requests == 1)
        #expect(limiter.usage(keyID: "k", now: time.at(ms: 60_000)).requests == 0)
        #expect(limiter.admit(keyID: "k", rpm: 1, tpm: nil, estimatedTokens: 0, now: time.at(ms: 60_000)).isAllowed)
    }

    @Test("the window slides with each request instead of resetting on minute boundaries")
    func slides() throws {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        func admit(_ seconds: Int64) -> RateDecision {
            limiter.admit(keyID: "k", rpm: 3, tpm: nil, estimatedTokens: 0, now: time.at(seconds: seconds))
        }
        #expect(admit(0).isAllowed)
        #expect(admit(20).isAllowed)
        #expect(admit(40).isAllowed)
        #expect(try #require(admit(50).exceeded).retryAfter == .seconds(10))
        #expect(admit(60).isAllowed)  // the request at 0 has left; 20, 40, 60 count
        #expect(try #require(admit(61).exceeded).retryAfter == .seconds(19))
        #expect(try #require(admit(79).exceeded).retryAfter == .seconds(1))
        #expect(admit(80).isAllowed)
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 80)).requests == 3)
    }

    @Test("retryAfter is exact and retryAfterSeconds rounds it up to at least one second")
    func retryAfter() throws {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        #expect(limiter.admit(keyID: "k", rpm: 2, tpm: nil, estimatedTokens: 0, now: time.at(ms: 250)).isAllowed)
        #expect(limiter.admit(keyID: "k", rpm: 2, tpm: nil, estimatedTokens: 0, now: time.at(ms: 10_000)).isAllowed)
        let later = try #require(
            limiter.admit(keyID: "k", rpm: 2, tpm: nil, estimatedTokens: 0, now: time.at(ms: 5_000)).exceeded)
        #expect(later.retryAfter == .milliseconds(55_250))
        #expect(later.retryAfterSeconds == 56)
        let whole = try #require(
            limiter.admit(keyID: "k", rpm: 2, tpm: nil, estimatedTokens: 0, now: time.at(ms: 30_250)).exceeded)
        #expect(whole.retryAfter == .seconds(30))
        #expect(whole.retryAfterSeconds == 30)
        let last = try #require(
            limiter.admit(keyID: "k", rpm: 2, tpm: nil, estimatedTokens: 0, now: time.at(ms: 60_249)).exceeded)
        #expect(last.retryAfter == .milliseconds(1))
        #expect(last.retryAfterSeconds == 1)
        #expect(RateLimitExceeded(keyID: "k", kind: .tokens, limit: 1, retryAfter: .nanoseconds(1)).retryAfterSeconds == 1)
        #expect(RateLimitExceeded(keyID: "k", kind: .tokens, limit: 1, retryAfter: .zero).retryAfterSeconds == 1)
        #expect(RateLimitExceeded(keyID: "k", kind: .tokens, limit: 1, retryAfter: .seconds(2) + .nanoseconds(1))
            .retryAfterSeconds == 3)
    }

    @Test("a limited request is not counted")
    func refusalsDoNotCount() {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        #expect(limiter.admit(keyID: "k", rpm: 1, tpm: 100, estimatedTokens: 40, now: time.at(seconds: 0)).isAllowed)
        for second: Int64 in 1...30 {
            #expect(!limiter.admit(keyID: "k", rpm: 1, tpm: 100, estimatedTokens: 40, now: time.at(seconds: second)).isAllowed)
        }
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 30)) == RateUsage(requests: 1, tokens: 40))
        #expect(limiter.admit(keyID: "k", rpm: 1, tpm: 100, estimatedTokens: 40, now: time.at(seconds: 60)).isAllowed)
    }

    @Test("a lowered RPM limit counts the newest requests")
    func loweredLimit() throws {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        for second: Int64 in 0..<5 {
            #expect(limiter.admit(keyID: "k", rpm: 5, tpm: nil, estimatedTokens: 0, now: time.at(seconds: second)).isAllowed)
        }
        // Under a limit of 2, a slot frees when the request at 3 s leaves (the one at 4 s still counts).
        let exceeded = try #require(
            limiter.admit(keyID: "k", rpm: 2, tpm: nil, estimatedTokens: 0, now: time.at(seconds: 10)).exceeded)
        #expect(exceeded.retryAfter == .seconds(53))
        #expect(exceeded.limit == 2)
        #expect(!limiter.admit(keyID: "k", rpm: 2, tpm: nil, estimatedTokens: 0, now: time.at(ms: 62_999)).isAllowed)
        #expect(limiter.admit(keyID: "k", rpm: 2, tpm: nil, estimatedTokens: 0, now: time.at(seconds: 63)).isAllowed)
    }

    @Test("keys are limited independently")
    func independentKeys() {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        #expect(limiter.admit(keyID: "a", rpm: 1, tpm: nil, estimatedTokens: 0, now: time.at(seconds: 0)).isAllowed)
        #expect(!limiter.admit(keyID: "a", rpm: 1, tpm: nil, estimatedTokens: 0, now: time.at(seconds: 1)).isAllowed)
        #expect(limiter.admit(keyID: "b", rpm: 1, tpm: nil, estimatedTokens: 0, now: time.at(seconds: 1)).isAllowed)
        #expect(limiter.usage(keyID: "a", now: time.at(seconds: 1)).requests == 1)
        #expect(limiter.usage(keyID: "b", now: time.at(seconds: 1)).requests == 1)
        #expect(limiter.usage(keyID: "c", now: time.at(seconds: 1)).requests == 0)
    }

    @Test("tickets report what is left of each limit")
    func remaining() throws {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        let first = try #require(
            limiter.admit(keyID: "k", rpm: 3, tpm: 1000, estimatedTokens: 300, now: time.at(seconds: 0)).ticket)
        #expect(first.remainingRequests == 2)
        #expect(first.remainingTokens == 700)
        #expect(first.estimatedTokens == 300)
        let second = try #require(
            limiter.admit(keyID: "k", rpm: 3, tpm: 1000, estimatedTokens: 650, now: time.at(seconds: 1)).ticket)
        #expect(second.remainingRequests == 1)
        #expect(second.remainingTokens == 50)
        let unlimited = try #require(
            limiter.admit(keyID: "u", rpm: nil, tpm: nil, estimatedTokens: 5, now: time.at(seconds: 1)).ticket)
        #expect(unlimited.remainingRequests == nil)
        #expect(unlimited.remainingTokens == nil)
    }

    @Test("no limits: everything is allowed and nothing is kept")
    func unlimited() {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        for _ in 0..<1000 {
            #expect(limiter.admit(keyID: "k", rpm: nil, tpm: nil, estimatedTokens: 1_000_000, now: time.at(seconds: 0)).isAllowed)
        }
        #expect(limiter.trackedKeys == 0)
    }

    @Test("a limit of zero admits nothing and says to wait the whole window")
    func zeroLimits() throws {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        let requests = try #require(
            limiter.admit(keyID: "k", rpm: 0, tpm: nil, estimatedTokens: 0, now: time.at(seconds: 0)).exceeded)
        #expect(requests.kind == .requests)
        #expect(requests.retryAfter == .seconds(60))
        let tokens = try #require(
            limiter.admit(keyID: "k", rpm: nil, tpm: 0, estimatedTokens: 0, now: time.at(seconds: 0)).exceeded)
        #expect(tokens.kind == .tokens)
        #expect(tokens.retryAfter == .seconds(60))
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 0)) == RateUsage(requests: 0, tokens: 0))
    }

    @Test("the refusal reads well")
    func description() {
        let exceeded = RateLimitExceeded(keyID: "key_1", kind: .tokens, limit: 5000, retryAfter: .milliseconds(1500))
        #expect(exceeded.description == "key key_1 reached its limit of 5000 tokens per minute; retry in 2 s")
    }
}
