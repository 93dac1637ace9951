import Foundation
import Logging
import SluiceAPI
import SluiceProviders
import SluiceRouting

/// Carries one request down its fallback chain: for each model, the admission gate, a replica chosen
/// by the balancer among those whose breaker lets traffic through, retries with jittered backoff
/// (honouring `Retry-After`), then the next model. Failures that say the request itself is wrong (a
/// 400 from the upstream) end the walk at once.
struct Dispatcher: Sendable {
    let backends: [String: Backend]
    let retry: RetryPolicy
    let health: UpstreamHealth

    /// What one attempt may use: the replica's lease and the attempt's deadlines.
    struct Attempt: Sendable {
        let lease: UpstreamLease
        let firstByteDeadline: ContinuousClock.Instant
        let totalDeadline: ContinuousClock.Instant
        let upstream: String
    }

    /// The answer and how it was reached.
    struct Dispatched<Value: Sendable>: Sendable {
        var value: Value
        var backend: Backend
        /// What happened on the way, for `x-sluice-route-reason` (`fallback:deepseek(upstream_500)`).
        var notes: [String]
    }

    /// The first model's gate turned the request away and the caller's tier downgrades to `route`.
    struct Downgrade: Error {
        let route: String
        let rejection: AdmissionRejection
    }

    /// Tries `chain` in order until one call succeeds.
    ///
    /// - Parameters:
    ///   - endsLease: whether the lease ends when `call` returns (a complete answer); a stream ends it itself.
    ///   - usedTokens: the tokens an answer used, which correct the admission gate's tokens-per-minute window.
    ///   - call: one attempt at one replica.
    func dispatch<Value: Sendable>(
        _ chat: ChatRequest, chain: [String], caller: Caller, tokens: Int, logger: Logger, endsLease: Bool,
        usedTokens: @escaping @Sendable (Value) -> Int? = { _ in nil },
        call: @escaping @Sendable (any ChatProvider, Attempt) async throws -> Value
    ) async throws -> Dispatched<Value> {
        var notes: [String] = []
        do {
            return try await walk(
                chat, chain: chain, caller: caller, tokens: tokens, logger: logger, endsLease: endsLease,
                usedTokens: usedTokens, notes: &notes, call: call)
        } catch let error where error is Downgrade || error is CancellationError {
            throw error
        } catch {
            throw Failed(error: error, notes: notes)
        }
    }

    /// The chain failed: the last error, and what happened on the way.
    struct Failed: Error {
        let error: any Error
        let notes: [String]
    }

    private func walk<Value: Sendable>(
        _ chat: ChatRequest, chain: [String], caller: Caller, tokens: Int, logger: Logger, endsLease: Bool,
        usedTokens: @escaping @Sendable (Value) -> Int?, notes: inout [String],
        call: @escaping @Sendable (any ChatProvider, Attempt) async throws -> Value
    ) async throws -> Dispatched<Value> {
        var lastError: (any Error)?
        var skippedOpen: [String] = []
        for (position, name) in chain.enumerated() {
            guard let backend = backends[name] else { continue }
            do {
                try backend.primary.check(chat)
            } catch {
                if position == 0 { throw error.apiError }
                notes.append("skipped:\(name)(unsupported)")
                continue
            }
            if !backend.upstreamIDs.contains(where: { health.allowsRequest(to: $0) }) {
                skippedOpen.append(name)
                notes.append("skipped:\(name)(breaker-open)")
                continue
            }
            var ticket: AdmissionTicket?
            if let gate = backend.gate {
                do {
                    ticket = try await gate.enter(tier: caller.tier, tokens: tokens)
                } catch let rejection {
                    if rejection.reason == .cancelled { throw CancellationError() }
                    if position == 0 || lastError == nil {
                        if case .downgrade(let route) = rejection.overload { throw Downgrade(route: route, rejection: rejection) }
                        throw Self.shed(rejection, model: name)
                    }
                    notes.append("skipped:\(name)(\(rejection.reason.rawValue))")
                    continue
                }
            }
            if position > 0 { notes.append("fallback:\(name)") }
            do {
                let value = try await attempts(
                    chat, backend: backend, ticket: ticket, logger: logger, endsLease: endsLease, usedTokens: usedTokens, call: call)
                return Dispatched(value: value, backend: backend, notes: notes)
            } catch let failure as AttemptsFailed {
                if let ticket { backend.gate?.leave(ticket) }
                lastError = failure.error
                notes.append("failed:\(name)(\(failure.error.apiError.code ?? "\(failure.error.apiError.status)"))")
                logger.warning(
                    "upstream failed, trying the next fallback",
                    metadata: ["model": "\(name)", "error": "\(failure.error)", "position": "\(position)"])
                continue
            } catch {
                if let ticket { backend.gate?.leave(ticket) }
                throw error
            }
        }
        if let lastError { throw lastError }
        throw APIError(
            status: 503,
            message: "No upstream can take the request now: circuit breakers are open for \(skippedOpen.joined(separator: ", ")).",
            type: "upstream_error", code: "upstream_unavailable",
            retryAfter: String(max(1, Int(retry.maxRetryAfter.components.seconds))))
    }

    /// Every attempt at one backend failed in a way another backend may not.
    struct AttemptsFailed: Error {
        let error: ProviderError
    }

    private func attempts<Value: Sendable>(
        _ chat: ChatRequest, backend: Backend, ticket: AdmissionTicket?, logger: Logger, endsLease: Bool,
        usedTokens: @escaping @Sendable (Value) -> Int?,
        call: @escaping @Sendable (any ChatProvider, Attempt) async throws -> Value
    ) async throws -> Value {
        var tried: Set<Int> = []
        var lastError: ProviderError?
        let affinity = backend.config.prefixAffinity ? PrefixAffinity.key(messages: chat.messages) : nil
        for attempt in 1... {
            let avoid = tried.count < backend.replicas.count ? tried : []
            guard
                let choice = backend.balancer.pick(
                    excluding: avoid, isAvailable: { health.allowsRequest(to: backend.upstreamIDs[$0]) }, affinity: affinity),
                let permit = health.breaker(for: backend.upstreamIDs[choice.index]).acquire()
            else {
                throw AttemptsFailed(error: lastError ?? .transport(upstream: backend.name, message: "every replica's circuit breaker is open"))
            }
            let index = choice.index
            let upstream = backend.upstreamIDs[index]
            let breaker = health.breaker(for: upstream)
            tried.insert(index)
            backend.balancer.started(index)
            let started = ContinuousClock.now
            let timeouts = backend.replicas[index].endpoint.timeouts
            let lease = UpstreamLease(backend: backend, replica: index, ticket: ticket, started: started)
            let context = Attempt(
                lease: lease, firstByteDeadline: started + .milliseconds(Int64(timeouts.firstByte * 1000)),
                totalDeadline: started + .milliseconds(Int64(timeouts.total * 1000)), upstream: upstream)
            do {
                let value = try await call(backend.replicas[index], context)
                _ = breaker.record(permit, success: true)
                if endsLease { lease.end(success: true, actualTokens: usedTokens(value)) }
                return value
            } catch let error as ProviderError {
                lease.endAttempt(success: false)
                switch Self.classify(error) {
                case .requestFault:
                    _ = breaker.record(permit, success: true)
                    throw error
                case .upstreamFault(let retryable):
                    if let transition = breaker.record(permit, success: false) {
                        logger.warning("circuit breaker changed", metadata: ["upstream": "\(upstream)", "transition": "\(transition)"])
                    }
                    lastError = error
                    guard retryable, let delay = retry.delay(afterAttempt: attempt, retryAfter: Self.retryAfter(of: error)) else {
                        throw AttemptsFailed(error: error)
                    }
                    logger.info("retrying upstream", metadata: ["upstream": "\(upstream)", "attempt": "\(attempt)", "delay": "\(delay)"])
                    try await Task.sleep(for: delay)
                }
            } catch {
                breaker.release(permit)
                lease.endAttempt(success: nil)
                throw error
            }
        }
        fatalError("unreachable: the attempt loop only leaves by returning or throwing")
    }

    enum FaultKind {
        /// The request is wrong (a 4xx other than 401/403/404/408/429): no other upstream will do better.
        case requestFault
        /// The upstream failed; retry it when `retryable`, else go on to the next model.
        case upstreamFault(retryable: Bool)
    }

    static func classify(_ error: ProviderError) -> FaultKind {
        switch error {
        case .badRequest:
            return .requestFault
        case .upstream(let failure):
            switch failure.status {
            case 408, 429, 500...: return .upstreamFault(retryable: true)
            // Sluice's own key or model id at this upstream is wrong: another upstream may be fine.
            case 401, 403, 404: return .upstreamFault(retryable: false)
            default: return .requestFault
            }
        case .transport, .timeout, .invalidResponse:
            return .upstreamFault(retryable: true)
        }
    }

    static func retryAfter(of error: ProviderError) -> Duration? {
        guard case .upstream(let failure) = error, let header = failure.retryAfter else { return nil }
        return RetryAfter.parse(header)
    }

    /// The 429 for a request shed at a full backend.
    static func shed(_ rejection: AdmissionRejection, model: String) -> APIError {
        let seconds = rejection.retryAfterSeconds
        return APIError(
            status: 429,
            message: "Model '\(model)' is at capacity and the request (tier '\(rejection.tier)') was shed: \(rejection.reason.rawValue). Retry after \(seconds) s.",
            type: "rate_limit_error", code: "capacity_exceeded", retryAfter: String(seconds))
    }
}
