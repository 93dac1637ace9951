import Foundation
import Hummingbird
import SluiceAPI
import SluiceLedger
import SluiceProviders

/// One admitted request's account with the ledger: opened before the upstream call, closed exactly
/// once with what happened. Closing writes the usage record and waits until it is durable, so the
/// caller's last byte goes out only after the record would survive a crash.
struct RequestAccounting: Sendable {
    let ledger: Ledger
    let ticket: LedgerTicket
    let started: ContinuousClock.Instant
    /// The model that answered and its `backend:upstream-model`, once a fallback chain has been walked.
    var answeredBy: (model: String, upstream: String)?

    var key: VirtualKey? { ticket.admission.key }

    /// Closes the account. Returns the cost in the model's currency.
    func close(
        status: Int, usage: Usage?, clientGone: Bool = false, firstByte: ContinuousClock.Instant? = nil,
        cacheHit: Bool = false
    ) async throws -> Money {
        let now = ContinuousClock.now
        let outcome = Outcome(
            status: status, tokens: usage.map(Self.tokens(of:)), chargeCeilingIfUnknown: clientGone,
            latencyMs: Self.milliseconds(now - started),
            ttftMs: firstByte.map { Self.milliseconds($0 - started) }, cacheHit: cacheHit, answeredBy: answeredBy)
        return try await ledger.settle(ticket, outcome: outcome)
    }

    static func tokens(of usage: Usage) -> TokenCounts {
        TokenCounts(
            prompt: usage.promptTokens, cached: usage.cachedTokens, completion: usage.completionTokens,
            reasoning: usage.reasoningTokens)
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

extension Money {
    /// The `x-sluice-cost` header value: `0.000123 USD`.
    var headerValue: String { description }
}
