import Testing
@testable import SluiceLedger

@Suite("RateLimiter under concurrency and many keys")
struct RateLimiterConcurrencyTests {
    /// Runs `tasks` tasks that each call `body` `times` times, and returns how many calls returned true.
    private func countAllowed(tasks: Int, times: Int, _ body: @escaping @Sendable (Int) -> Bool) async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var allowed = 0
                    for _ in 0..<times where body(task) { allowed += 1 }
                    return allowed
                }
            }
            return await group.reduce(0, +)
        }
    }

    @Test("64 tasks × 100 admits on one key: exactly the RPM limit is allowed")
    func exactRPM() async {
        let limiter = RateLimiter()
        let now = ContinuousClock.now
        let allowed = await countAllowed(tasks: 64, times: 100) { _ in
            limiter.admit(keyID: "shared", rpm: 500, tpm: nil, estimatedTokens: 0, now: now).isAllowed
        }
        #expect(allowed == 500)
        #expect(limiter.usage(keyID: "shared", now: now).requests == 500)
    }

    @Test("64 tasks × 100 admits on one key with the real clock: exactly the RPM limit within the minute")
    func exactRPMRealClock() async {
        let limiter = RateLimiter()
        let start = ContinuousClock.now
        let allowed = await countAllowed(tasks: 64, times: 100) { _ in
            limiter.admit(keyID: "shared", rpm: 1234, tpm: nil, estimatedTokens: 0).isAllowed
        }
        // Exact while the run stays inside one 60 s window (it takes well under a second unless the
        // machine is starved); a run longer than the window may rightly admit more.
        let elapsed = ContinuousClock.now - start
        #expect(allowed == 1234 || (elapsed >= .seconds(60) && allowed > 1234), "\(allowed) in \(elapsed)")
    }

    @Test("concurrent admits and settles keep the token count exact")
    func exactTPM() async {
        let limiter = RateLimiter()
        let now = ContinuousClock.now
        // Counts the requests settled at 5 tokens; the others are cancelled or refused.
        let settled = await countAllowed(tasks: 64, times: 100) { task in
            guard let ticket = limiter.admit(keyID: "shared", rpm: nil, tpm: 10_000, estimatedTokens: 20, now: now).ticket
            else { return false }
            if task.isMultiple(of: 2) {
                limiter.settle(ticket, actualTokens: 5, now: now)
                return true
            }
            limiter.cancel(ticket)
            return false
        }
        let usage = limiter.usage(keyID: "shared", now: now)
        #expect(settled > 0)
        #expect(usage.tokens == 5 * settled)
        #expect(usage.tokens <= 10_000)
        // Nothing is left reserved: every ticket was settled or cancelled.
        #expect(limiter.admit(keyID: "shared", rpm: nil, tpm: 10_000, estimatedTokens: 10_000 - usage.tokens, now: now)
            .isAllowed)
    }

    @Test("many keys at once: each gets exactly its limit")
    func manyKeys() async {
        let limiter = RateLimiter(shardCount: 8)
        let now = ContinuousClock.now
        let allowed = await countAllowed(tasks: 64, times: 100) { task in
            limiter.admit(keyID: "key-\(task % 16)", rpm: 7, tpm: nil, estimatedTokens: 0, now: now).isAllowed
        }
        #expect(allowed == 16 * 7)
        for key in 0..<16 {
            #expect(limiter.usage(keyID: "key-\(key)", now: now).requests == 7)
        }
    }

    @Test("idle keys are dropped, so memory follows the keys active in the last minute")
    func idleKeysDropped() {
        let limiter = RateLimiter(shardCount: 4, sweepThreshold: 16)
        let time = LimiterTimeline()
        let perRound = 200
        let rounds = 50
        var peak = 0
        for round in 0..<rounds {
            let now = time.at(seconds: Int64(round) * 61)
            for key in 0..<perRound {
                #expect(limiter.admit(keyID: "r\(round)-\(key)", rpm: 10, tpm: 1000, estimatedTokens: 1, now: now).isAllowed)
            }
            peak = max(peak, limiter.trackedKeys)
        }
        // Without dropping idle keys the table would hold all 10 000; each shard keeps at most about twice
        // the keys active since its last sweep.
        #expect(peak <= 4 * perRound)
        #expect(peak >= perRound)
        limiter.sweep(now: time.at(seconds: Int64(rounds) * 61))
        #expect(limiter.trackedKeys == 0)
    }

    @Test("a sweep keeps keys that still have something in the window")
    func sweepKeepsActive() {
        let limiter = RateLimiter()
        let time = LimiterTimeline()
        #expect(limiter.admit(keyID: "old", rpm: 5, tpm: nil, estimatedTokens: 0, now: time.at(seconds: 0)).isAllowed)
        #expect(limiter.admit(keyID: "new", rpm: 5, tpm: nil, estimatedTokens: 0, now: time.at(seconds: 30)).isAllowed)
        #expect(limiter.admit(keyID: "tokens", rpm: nil, tpm: 50, estimatedTokens: 5, now: time.at(seconds: 30)).isAllowed)
        limiter.sweep(now: time.at(seconds: 60))
        #expect(limiter.trackedKeys == 2)
        #expect(limiter.usage(keyID: "new", now: time.at(seconds: 60)).requests == 1)
        #expect(limiter.usage(keyID: "tokens", now: time.at(seconds: 60)).tokens == 5)
        limiter.sweep(now: time.at(seconds: 90))
        #expect(limiter.trackedKeys == 0)
    }
}
