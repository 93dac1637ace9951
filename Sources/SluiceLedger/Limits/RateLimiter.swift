import Synchronization

/// Per-key requests-per-minute (RPM) and tokens-per-minute (TPM) limits over a true sliding window of
/// 60 seconds: a request or token counted at `t` counts until exactly `t + 60 s`, with no minute buckets.
///
/// ```swift
/// switch limiter.admit(keyID: key.id, rpm: key.rpm, tpm: key.tpm, estimatedTokens: estimate) {
/// case .allowed(let ticket):
///     // … run the request, then:
///     limiter.settle(ticket, actualTokens: usage.totalTokens)   // or limiter.cancel(ticket)
/// case .limited(let exceeded):
///     // 429, Retry-After: exceeded.retryAfterSeconds
/// }
/// ```
///
/// **Exact counting.** RPM keeps the admission times of the key's counted requests, at most `rpm` of
/// them. TPM keeps a log of token amounts with their times: an open reservation (the estimate) for each
/// admitted request, and the actual usage once settled. Both checks and the counting happen under one
/// lock, so concurrent callers can never together pass a limit.
///
/// **Settled tokens count from the settling time.** ``settle(_:actualTokens:now:)`` takes the estimate
/// off and counts the actual tokens at `now`, when they were spent; a request that outlives the window
/// is still counted in full when it ends.
///
/// **An estimate larger than the whole TPM limit** is admitted only when the key has no tokens counted
/// in the window, and the key then waits until that usage leaves the window. Such a request is never
/// refused forever, and the limit is overshot by at most that one request per window.
///
/// **A limit of zero or less** admits nothing; its `retryAfter` is the whole window.
///
/// **Per replica.** The counts live in this process's memory; several gateway replicas each enforce the
/// limits on their own share of the traffic.
///
/// **Fast and bounded.** Keys are spread over mutex-protected shards by hash, so callers of different
/// keys seldom wait for one another. A key that has nothing counted in the window is dropped: each shard
/// sweeps its idle keys when it has grown to twice what it held after its last sweep, so memory follows
/// the keys active in the last minute. ``sweep(now:)`` drops them all at once. Within a key, the RPM log
/// holds at most `rpm` times and the TPM log at most two entries (reservation and usage) per request
/// admitted in the window.
///
/// **Time.** Every call takes `now` as a `ContinuousClock.Instant` (the real clock by default), so tests
/// can drive the window by hand.
public final class RateLimiter: Sendable {
    /// The length of the sliding window.
    public static let window: Duration = .seconds(60)
    static let windowNanos: Int64 = 60_000_000_000
    /// Token amounts are clamped to `0...maxTokens` so sums cannot overflow.
    static let maxTokens = 1 << 40

    private let shards: [RateShard]
    private let shardShift: UInt64
    /// Instants are kept as nanoseconds since this one.
    private let origin: ContinuousClock.Instant

    /// - Parameters:
    ///   - shardCount: how many independently locked parts the key table has (rounded up to a power of 2).
    ///   - sweepThreshold: how many keys a shard holds before its first sweep for idle keys.
    public init(shardCount: Int = 32, sweepThreshold: Int = 64) {
        let bits = Swift.max(0, Int.bitWidth - (Swift.max(1, shardCount) - 1).leadingZeroBitCount)
        shards = (0..<(1 << bits)).map { _ in RateShard(minimumSweep: Swift.max(1, sweepThreshold)) }
        shardShift = UInt64(64 - bits)
        origin = .now
    }

    /// Checks both limits and, if the request fits under them, counts it and reserves `estimatedTokens`
    /// against TPM, atomically. A `nil` limit is no limit; with neither limit nothing is counted.
    public func admit(
        keyID: String, rpm: Int?, tpm: Int?, estimatedTokens: Int, now: ContinuousClock.Instant = .now
    ) -> RateDecision {
        let estimate = Self.clampTokens(estimatedTokens)
        guard rpm != nil || tpm != nil else {
            return .allowed(RateTicket(
                keyID: keyID, estimatedTokens: estimate, remainingRequests: nil, remainingTokens: nil, epoch: 0,
                sequence: nil))
        }
        let time = nanoseconds(now)
        let key = RateShard.Key(keyID)
        let (epoch, admission) = shard(for: key).state.withLock { table in
            table.withWindow(key, now: time) { window in
                let admission = window.admit(rpm: rpm, tpm: tpm, estimate: estimate, now: time, window: Self.windowNanos)
                return (window.epoch, admission)
            }
        }
        switch admission {
        case .allowed(let sequence, let requests, let tokens):
            return .allowed(RateTicket(
                keyID: keyID, estimatedTokens: estimate,
                remainingRequests: rpm.map { Swift.max(0, $0 - requests) },
                remainingTokens: tpm.map { Swift.max(0, $0 - tokens) },
                epoch: epoch, sequence: sequence))
        case .limited(let kind, let limit, let wait):
            return .limited(RateLimitExceeded(keyID: keyID, kind: kind, limit: limit, retryAfter: .nanoseconds(wait)))
        }
    }

    /// Replaces the ticket's token estimate with the tokens the request really used, counted at `now`.
    /// Settling a ticket a second time, or after ``cancel(_:)``, changes nothing (as long as its
    /// reservation is still in the window). Does nothing for a ticket issued without a TPM limit.
    public func settle(_ ticket: RateTicket, actualTokens: Int, now: ContinuousClock.Instant = .now) {
        guard let sequence = ticket.sequence else { return }
        let amount = Self.clampTokens(actualTokens)
        let time = nanoseconds(now)
        let key = RateShard.Key(ticket.keyID)
        shard(for: key).state.withLock { table in
            table.withWindow(key, now: time) { window in
                window.prune(now: time, window: Self.windowNanos)
                // A window with another epoch is a newer one: the reservation went with the old one.
                if window.epoch == ticket.epoch, window.close(sequence: sequence) == .alreadyClosed { return }
                if amount > 0 { window.addUsage(amount, now: time) }
            }
        }
    }

    /// Takes back the ticket's token reservation, for a request that never ran. The request itself still
    /// counts toward RPM.
    public func cancel(_ ticket: RateTicket) {
        guard let sequence = ticket.sequence else { return }
        let key = RateShard.Key(ticket.keyID)
        shard(for: key).state.withLock { table in
            guard table.windows[key]?.epoch == ticket.epoch else { return }
            _ = table.windows[key]?.close(sequence: sequence)
        }
    }

    /// What `keyID` has counted in the window at `now`.
    public func usage(keyID: String, now: ContinuousClock.Instant = .now) -> RateUsage {
        let time = nanoseconds(now)
        let key = RateShard.Key(keyID)
        return shard(for: key).state.withLock { table in
            table.windows[key].map { window in
                var window = window
                window.prune(now: time, window: Self.windowNanos)
                return RateUsage(requests: window.requests.count, tokens: window.tokenSum)
            } ?? RateUsage(requests: 0, tokens: 0)
        }
    }

    /// Drops every key that has nothing counted in the window at `now`.
    public func sweep(now: ContinuousClock.Instant = .now) {
        let time = nanoseconds(now)
        for shard in shards {
            shard.state.withLock { $0.sweep(now: time) }
        }
    }

    /// How many keys the limiter holds state for, idle ones not yet swept included.
    public var trackedKeys: Int {
        shards.reduce(0) { total, shard in total + shard.state.withLock { $0.windows.count } }
    }

    private func shard(for key: RateShard.Key) -> RateShard {
        // Fibonacci hashing takes the shard from the hash's high bits, not the low ones the dictionary uses.
        let mixed = UInt64(UInt(bitPattern: key.hash)) &* 0x9E37_79B9_7F4A_7C15
        return shards[shardShift == 64 ? 0 : Int(truncatingIfNeeded: mixed >> shardShift)]
    }

    private func nanoseconds(_ instant: ContinuousClock.Instant) -> Int64 {
        let (seconds, attoseconds) = (instant - origin).components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }

    private static func clampTokens(_ tokens: Int) -> Int {
        Swift.min(Swift.max(0, tokens), maxTokens)
    }
}
