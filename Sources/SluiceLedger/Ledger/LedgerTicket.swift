import Foundation

/// What ``Ledger/admit(_:)`` hands back for an admitted request, to be closed by
/// ``Ledger/settle(_:outcome:)`` exactly once.
public struct LedgerTicket: Sendable {
    public var admission: Admission
    /// The budget reservation, when the key has a budget.
    public var reservation: BudgetReservation?
    /// The rate limiter's claim, when the key has limits.
    var rateTicket: RateTicket?
}

/// A request asking to be let through.
public struct Admission: Sendable {
    public var requestID: String
    /// The caller's key, or nil when keys are not required and none was sent.
    public var key: VirtualKey?
    /// The route or model name the caller asked for.
    public var route: String
    /// The configured model expected to answer.
    public var model: String
    /// Other models that may answer instead (the route's fallbacks). The budget reservation covers the
    /// dearest of `model` and these.
    public var alternatives: [String]
    /// `backend:upstream-model`, for the record.
    public var upstream: String
    /// An upper bound on prompt tokens (the gateway counts UTF-8 bytes, which no byte-level tokenizer exceeds).
    public var promptTokenBound: Int
    /// The completion tokens the request may use (`max_tokens`, or the model's default cap).
    public var completionTokenBound: Int
    public var startedAt: Date
    public var experimentArm: String?

    public init(
        requestID: String, key: VirtualKey?, route: String, model: String, upstream: String, promptTokenBound: Int,
        completionTokenBound: Int, startedAt: Date = Date(), experimentArm: String? = nil, alternatives: [String] = []
    ) {
        self.alternatives = alternatives
        self.requestID = requestID
        self.key = key
        self.route = route
        self.model = model
        self.upstream = upstream
        self.promptTokenBound = promptTokenBound
        self.completionTokenBound = completionTokenBound
        self.startedAt = startedAt
        self.experimentArm = experimentArm
    }
}

/// How an admitted request ended.
public struct Outcome: Sendable {
    /// The status the caller got (499 when the caller went away).
    public var status: Int
    /// What the upstream reported; nil when it never said (an error, or a stream cut short).
    public var tokens: TokenCounts?
    /// Whether the upstream may have charged without reporting usage (the caller left mid-stream):
    /// the request is then charged its reservation ceiling, so that budgets are never under-counted.
    public var chargeCeilingIfUnknown: Bool
    public var latencyMs: Int
    public var ttftMs: Int?
    public var cacheHit: Bool
    /// The model that answered and its `backend:upstream-model`, when not the admitted `model` (a fallback).
    public var answeredBy: (model: String, upstream: String)?

    public init(
        status: Int, tokens: TokenCounts?, chargeCeilingIfUnknown: Bool = false, latencyMs: Int, ttftMs: Int? = nil,
        cacheHit: Bool = false, answeredBy: (model: String, upstream: String)? = nil
    ) {
        self.answeredBy = answeredBy
        self.status = status
        self.tokens = tokens
        self.chargeCeilingIfUnknown = chargeCeilingIfUnknown
        self.latencyMs = latencyMs
        self.ttftMs = ttftMs
        self.cacheHit = cacheHit
    }
}
