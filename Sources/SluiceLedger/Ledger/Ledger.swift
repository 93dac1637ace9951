import Foundation
import Logging

/// The ledger's front door for the gateway: who is calling, whether they may, what it cost, and the
/// durable record of it. Stateless apart from caches; the ``Store`` is the authority.
///
/// A request's way through: ``authenticate(secret:required:now:)`` → ``admit(_:)`` (model allowed,
/// rate limits, budget reservation) → the upstream call → ``settle(_:outcome:)`` (exact cost, settle
/// the reservation, write the record and wait until it is durable).
public final class Ledger: Sendable {
    public let store: any Store
    public let settings: LedgerSettings
    let writer: LedgerWriter
    let limiter: RateLimiter
    let keyCache: KeyCache
    let logger: Logger

    public init(store: any Store, settings: LedgerSettings, logger: Logger) {
        self.store = store
        self.settings = settings
        self.logger = logger
        self.writer = LedgerWriter(store: store, logger: logger, commitDelay: settings.commitDelay)
        self.limiter = RateLimiter()
        self.keyCache = KeyCache(ttl: settings.keyCacheTTL)
    }

    /// The base currency totals are reported in.
    public var baseCurrency: Currency { settings.exchangeRates.base }

    // MARK: Callers

    /// The key a request presents. With no secret, nil if keys are optional, else ``AccessDenied/missingKey``.
    public func authenticate(secret: String?, required: Bool, now: Date = Date()) async throws -> VirtualKey? {
        guard let secret, !secret.isEmpty else {
            if required { throw AccessDenied.missingKey }
            return nil
        }
        let hash = KeySecret.hash(secret)
        let key: VirtualKey?
        if let cached = keyCache.lookup(hash, now: now) {
            key = cached
        } else {
            key = try await store.key(secretHash: hash)
            keyCache.store(key, secretHash: hash, now: now)
        }
        guard let key else {
            // A key that isn't ours: refuse it where keys are required, ignore it elsewhere (clients
            // such as the OpenAI SDK always send some key).
            if required { throw AccessDenied.invalidKey }
            return nil
        }
        if key.revokedAt != nil { throw AccessDenied.revokedKey }
        if key.isExpired(at: now) { throw AccessDenied.expiredKey }
        return key
    }

    /// Creates a key. The secret is returned once and never stored.
    public func createKey(_ spec: KeySpec, now: Date = Date()) async throws -> (key: VirtualKey, secret: String) {
        try spec.validate()
        let secret = KeySecret.generate()
        let key = VirtualKey(
            id: KeySecret.generateID(), secretHash: KeySecret.hash(secret), displayPrefix: KeySecret.displayPrefix(secret),
            owner: spec.owner, tier: spec.tier, allowedModels: spec.allowedModels, rpm: spec.rpm, tpm: spec.tpm,
            budget: spec.budget, responseCache: spec.responseCache, createdAt: now, expiresAt: spec.expiresAt)
        try await store.insertKey(key)
        return (key, secret)
    }

    /// Revokes a key; this process stops accepting it at once.
    public func revokeKey(id: String, now: Date = Date()) async throws -> Bool {
        let revoked = try await store.revokeKey(id: id, at: now)
        if let key = try await store.key(id: id) { keyCache.invalidate(secretHash: key.secretHash) }
        return revoked
    }

    // MARK: Requests

    /// Lets a request through, or says why not: the key must allow the model, be within its rate
    /// limits, and have budget for the request's cost ceiling, which is reserved until settlement.
    /// A request that costs nothing (a response-cache hit) passes `reserveBudget: false`.
    public func admit(_ admission: Admission, reserveBudget: Bool = true) async throws -> LedgerTicket {
        var ticket = LedgerTicket(admission: admission, reservation: nil, rateTicket: nil)
        guard let key = admission.key else { return ticket }
        guard key.allows(model: admission.route) || key.allows(model: admission.model) else {
            throw AccessDenied.modelNotAllowed(admission.route)
        }
        if key.rpm != nil || key.tpm != nil {
            let estimate = admission.promptTokenBound / 4 + 1
            switch limiter.admit(keyID: key.id, rpm: key.rpm, tpm: key.tpm, estimatedTokens: estimate, now: .now) {
            case .allowed(let rateTicket): ticket.rateTicket = rateTicket
            case .limited(let exceeded): throw AccessDenied.rateLimited(exceeded)
            }
        }
        if let budget = key.budget, reserveBudget {
            do {
                var amount = Money.zero(budget.limit.currency)
                for model in [admission.model] + admission.alternatives {
                    let ceiling = CostCalculator.ceiling(
                        promptTokens: admission.promptTokenBound, completionTokens: admission.completionTokenBound,
                        at: price(of: model))
                    var converted = try settings.exchangeRates.convert(ceiling, to: budget.limit.currency)
                    // Conversion rounds to the nearest nano; one more keeps the reservation a true ceiling.
                    if ceiling.currency != converted.currency && ceiling.nanos > 0 { converted.nanos += 1 }
                    if converted.nanos > amount.nanos { amount = converted }
                }
                ticket.reservation = try await store.reserve(
                    ReservationRequest(
                        keyID: key.id, budget: budget, amount: amount, now: admission.startedAt,
                        lease: settings.reservationLease))
            } catch {
                if let rateTicket = ticket.rateTicket { limiter.cancel(rateTicket) }
                if case LedgerError.budgetExceeded(_, let limit, let remaining) = error {
                    throw AccessDenied.budgetExceeded(limit: limit, remaining: remaining)
                }
                throw error
            }
        }
        return ticket
    }

    /// Closes an admitted request: computes its exact cost from the upstream's usage, settles the
    /// reservation, and writes the usage record, returning once the record is durable. Returns the cost
    /// in the model's price currency.
    @discardableResult
    public func settle(_ ticket: LedgerTicket, outcome: Outcome) async throws -> Money {
        let admission = ticket.admission
        let model = outcome.answeredBy?.model ?? admission.model
        let price = price(of: model)
        let tokens: TokenCounts
        let cost: Money
        if outcome.cacheHit {
            tokens = outcome.tokens ?? TokenCounts()
            cost = .zero(price.currency)
        } else if let reported = outcome.tokens {
            tokens = reported
            cost = CostCalculator.cost(of: reported, at: price, startedAt: admission.startedAt)
        } else if outcome.chargeCeilingIfUnknown {
            tokens = TokenCounts(prompt: admission.promptTokenBound, completion: admission.completionTokenBound)
            cost = CostCalculator.ceiling(
                promptTokens: admission.promptTokenBound, completionTokens: admission.completionTokenBound, at: price)
        } else {
            tokens = TokenCounts()
            cost = .zero(price.currency)
        }
        if let rateTicket = ticket.rateTicket {
            limiter.settle(rateTicket, actualTokens: tokens.total, now: .now)
        }
        var settlement: Settlement?
        if let reservation = ticket.reservation {
            settlement = Settlement(
                reservation: reservation, charge: try settings.exchangeRates.convert(cost, to: reservation.amount.currency))
        }
        let record = UsageRecord(
            requestID: admission.requestID, startedAt: admission.startedAt, keyID: admission.key?.id,
            owner: admission.key?.owner, route: admission.route, model: model,
            upstream: outcome.answeredBy?.upstream ?? admission.upstream,
            status: outcome.status, tokens: tokens, cost: cost,
            baseCost: try settings.exchangeRates.convert(cost, to: settings.exchangeRates.base),
            latencyMs: outcome.latencyMs, ttftMs: outcome.ttftMs, experimentArm: admission.experimentArm,
            cacheHit: outcome.cacheHit)
        try await writer.write(LedgerEntry(record: record, settlement: settlement))
        return cost
    }

    /// The price of a configured model (free when none is configured).
    public func price(of model: String) -> ModelPrice {
        settings.prices[model] ?? .free(settings.exchangeRates.base)
    }

    // MARK: Lifecycle

    /// Runs the group-commit writer and the housekeeping (expired reservations every minute, retention
    /// pruning every hour) until cancelled, then commits what is queued.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.writer.run() }
            group.addTask { await self.housekeeping() }
            await group.next()
            group.cancelAll()
            await group.waitForAll()
        }
    }

    private func housekeeping() async {
        var minutes = 0
        while !Task.isCancelled {
            do {
                let expired = try await store.expireReservations(now: Date())
                if expired > 0 { logger.warning("expired budget reservations", metadata: ["count": "\(expired)"]) }
                if minutes % 60 == 0, let retention = settings.retention {
                    let pruned = try await store.pruneUsage(before: Date().addingTimeInterval(-retention))
                    if pruned > 0 { logger.info("pruned usage records", metadata: ["count": "\(pruned)"]) }
                }
            } catch {
                logger.error("ledger housekeeping failed", metadata: ["error": "\(error)"])
            }
            minutes += 1
            try? await Task.sleep(for: .seconds(60))
        }
    }
}
