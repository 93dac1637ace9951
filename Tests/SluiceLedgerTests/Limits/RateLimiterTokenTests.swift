import Testing
@testable import SluiceLedger

@Suite("RateLimiter tokens per minute")
struct RateLimiterTokenTests {
    @Test("estimates are reserved, and a request that would pass the limit waits for enough to leave")
    func reserves() throws {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        #expect(limiter.admit(keyID: "k", rpm: nil, tpm: 1000, estimatedTokens: 600, now: time.at(seconds: 0)).isAllowed)
        let refused = try #require(
            limiter.admit(keyID: "k", rpm: nil, tpm: 1000, estimatedTokens: 500, now: time.at(seconds: 1)).exceeded)
        #expect(refused.kind == .tokens)
        #expect(refused.limit == 1000)
        #expect(refused.retryAfter == .seconds(59))
        // Exactly at the limit is allowed.
        #expect(limiter.admit(keyID: "k", rpm: nil, tpm: 1000, estimatedTokens: 400, now: time.at(seconds: 2)).isAllowed)
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 2)).tokens == 1000)
        // A 1-token request must wait for the 600 at 0 s; a 401-token one for the 400 at 2 s as well.
        #expect(try #require(limiter.admit(keyID: "k", rpm: nil, tpm: 1000, estimatedTokens: 1, now: time.at(seconds: 10))
            .exceeded).retryAfter == .seconds(50))
        #expect(try #require(limiter.admit(keyID: "k", rpm: nil, tpm: 1000, estimatedTokens: 601, now: time.at(seconds: 10))
            .exceeded).retryAfter == .seconds(52))
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 60)).tokens == 400)
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 62)).tokens == 0)
    }

    @Test("settling replaces the estimate by the actual tokens, counted from the settling time")
    func settle() throws {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        let first = try #require(
            limiter.admit(keyID: "k", rpm: nil, tpm: 1000, estimatedTokens: 800, now: time.at(seconds: 0)).ticket)
        limiter.settle(first, actualTokens: 200, now: time.at(seconds: 2))
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 2)).tokens == 200)
        let second = try #require(
            limiter.admit(keyID: "k", rpm: nil, tpm: 1000, estimatedTokens: 800, now: time.at(seconds: 3)).ticket)
        #expect(second.remainingTokens == 0)
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 3)).tokens == 1000)
        limiter.settle(second, actualTokens: 300, now: time.at(seconds: 4))
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 4)).tokens == 500)
        // 600 more needs 100 freed: the 200 settled at 2 s leave at 62 s.
        let refused = try #require(
            limiter.admit(keyID: "k", rpm: nil, tpm: 1000, estimatedTokens: 600, now: time.at(seconds: 5)).exceeded)
        #expect(refused.retryAfter == .seconds(57))
        #expect(limiter.usage(keyID: "k", now: time.at(ms: 61_999)).tokens == 500)
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 62)).tokens == 300)
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 64)).tokens == 0)
    }

    @Test("settling above the estimate counts the excess")
    func settleAbove() throws {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        let ticket = try #require(
            limiter.admit(keyID: "k", rpm: nil, tpm: 1000, estimatedTokens: 100, now: time.at(seconds: 0)).ticket)
        limiter.settle(ticket, actualTokens: 950, now: time.at(seconds: 1))
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 1)).tokens == 950)
        #expect(try #require(limiter.admit(keyID: "k", rpm: nil, tpm: 1000, estimatedTokens: 100, now: time.at(seconds: 1))
            .exceeded).retryAfter == .seconds(60))
    }

    @Test("a ticket settles once; settling again or after cancelling changes nothing")
    func settleOnce() throws {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        let ticket = try #require(
            limiter.admit(keyID: "k", rpm: nil, tpm: 1000, estimatedTokens: 100, now: time.at(seconds: 0)).ticket)
        limiter.settle(ticket, actualTokens: 70, now: time.at(seconds: 1))
        limiter.settle(ticket, actualTokens: 70, now: time.at(seconds: 2))
        limiter.cancel(ticket)
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 2)).tokens == 70)
        let cancelled = try #require(
            limiter.admit(keyID: "k", rpm: nil, tpm: 1000, estimatedTokens: 100, now: time.at(seconds: 3)).ticket)
        limiter.cancel(cancelled)
        limiter.settle(cancelled, actualTokens: 500, now: time.at(seconds: 4))
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 4)).tokens == 70)
    }

    @Test("cancelling returns the tokens but the request still counts toward RPM")
    func cancel() throws {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        let ticket = try #require(
            limiter.admit(keyID: "k", rpm: 2, tpm: 1000, estimatedTokens: 900, now: time.at(seconds: 0)).ticket)
        limiter.cancel(ticket)
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 0)) == RateUsage(requests: 1, tokens: 0))
        #expect(limiter.admit(keyID: "k", rpm: 2, tpm: 1000, estimatedTokens: 1000, now: time.at(seconds: 1)).isAllowed)
        let refused = try #require(
            limiter.admit(keyID: "k", rpm: 2, tpm: 1000, estimatedTokens: 0, now: time.at(seconds: 2)).exceeded)
        #expect(refused.kind == .requests)
        #expect(refused.retryAfter == .seconds(58))
    }

    @Test("a request that outlives the window is counted in full when it settles")
    func longRequest() throws {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        let ticket = try #require(
            limiter.admit(keyID: "k", rpm: nil, tpm: 1000, estimatedTokens: 100, now: time.at(seconds: 0)).ticket)
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 80)).tokens == 0)
        limiter.settle(ticket, actualTokens: 700, now: time.at(seconds: 90))
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 90)).tokens == 700)
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 150)).tokens == 0)
    }

    @Test("a ticket whose window was swept as idle still settles into the key's new window")
    func settleAfterSweep() throws {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        let ticket = try #require(
            limiter.admit(keyID: "k", rpm: 10, tpm: 1000, estimatedTokens: 100, now: time.at(seconds: 0)).ticket)
        limiter.sweep(now: time.at(seconds: 61))
        #expect(limiter.trackedKeys == 0)
        // A new window for the key, whose first reservation must not be mistaken for the old ticket's.
        let fresh = try #require(
            limiter.admit(keyID: "k", rpm: 10, tpm: 1000, estimatedTokens: 50, now: time.at(seconds: 62)).ticket)
        limiter.cancel(ticket)
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 62)).tokens == 50)
        limiter.settle(ticket, actualTokens: 300, now: time.at(seconds: 63))
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 63)).tokens == 350)
        limiter.settle(fresh, actualTokens: 10, now: time.at(seconds: 63))
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 63)).tokens == 310)
    }

    @Test("an estimate above the whole limit runs only in an otherwise empty window")
    func oversizeEstimate() throws {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        #expect(limiter.admit(keyID: "k", rpm: nil, tpm: 100, estimatedTokens: 500, now: time.at(seconds: 0)).isAllowed)
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 0)).tokens == 500)
        #expect(try #require(limiter.admit(keyID: "k", rpm: nil, tpm: 100, estimatedTokens: 10, now: time.at(seconds: 1))
            .exceeded).retryAfter == .seconds(59))
        #expect(try #require(limiter.admit(keyID: "k", rpm: nil, tpm: 100, estimatedTokens: 500, now: time.at(seconds: 30))
            .exceeded).retryAfter == .seconds(30))
        #expect(limiter.admit(keyID: "k", rpm: nil, tpm: 100, estimatedTokens: 500, now: time.at(seconds: 60)).isAllowed)

        // With a little usage in the window, the big request waits until the newest of it has left.
        let other = RateLimiter()
        #expect(other.admit(keyID: "k", rpm: nil, tpm: 100, estimatedTokens: 20, now: time.at(seconds: 0)).isAllowed)
        #expect(other.admit(keyID: "k", rpm: nil, tpm: 100, estimatedTokens: 30, now: time.at(seconds: 10)).isAllowed)
        let ticket = try #require(
            other.admit(keyID: "k", rpm: nil, tpm: 100, estimatedTokens: 0, now: time.at(seconds: 20)).ticket)
        other.cancel(ticket)
        let refused = try #require(
            other.admit(keyID: "k", rpm: nil, tpm: 100, estimatedTokens: 500, now: time.at(seconds: 25)).exceeded)
        #expect(refused.kind == .tokens)
        #expect(refused.retryAfter == .seconds(45))
        #expect(other.admit(keyID: "k", rpm: nil, tpm: 100, estimatedTokens: 500, now: time.at(seconds: 70)).isAllowed)
    }

    @Test("when both limits are reached, the later wait is reported")
    func bothLimits() throws {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        #expect(limiter.admit(keyID: "k", rpm: 2, tpm: 100, estimatedTokens: 2, now: time.at(seconds: 0)).isAllowed)
        #expect(limiter.admit(keyID: "k", rpm: 2, tpm: 100, estimatedTokens: 93, now: time.at(seconds: 20)).isAllowed)
        // RPM frees a slot at 60 s; TPM needs 5 of the 95 tokens gone, which takes the 93 at 20 s leaving at 80 s.
        let refused = try #require(
            limiter.admit(keyID: "k", rpm: 2, tpm: 100, estimatedTokens: 10, now: time.at(seconds: 30)).exceeded)
        #expect(refused.kind == .tokens)
        #expect(refused.limit == 100)
        #expect(refused.retryAfter == .seconds(50))
        // With a small estimate only RPM is in the way.
        let small = try #require(
            limiter.admit(keyID: "k", rpm: 2, tpm: 100, estimatedTokens: 5, now: time.at(seconds: 30)).exceeded)
        #expect(small.kind == .requests)
        #expect(small.limit == 2)
        #expect(small.retryAfter == .seconds(30))
    }

    @Test("negative token counts are taken as zero")
    func negativeCounts() throws {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        let ticket = try #require(
            limiter.admit(keyID: "k", rpm: nil, tpm: 100, estimatedTokens: -50, now: time.at(seconds: 0)).ticket)
        #expect(ticket.estimatedTokens == 0)
        limiter.settle(ticket, actualTokens: -10, now: time.at(seconds: 1))
        #expect(limiter.usage(keyID: "k", now: time.at(seconds: 1)).tokens == 0)
    }
}
