import Foundation
import Hummingbird
import Logging
import NIOCore
import SluiceAPI
import SluiceLedger
import SluiceProviders
import SluiceRouting

/// The part of the pipeline shared by both ingress formats: authenticate the caller, find the model,
/// check the request against it, open the ledger account, and call the provider.
struct ChatResponder: Sendable {
    let registry: ModelRegistry
    /// Routes, backends, breakers, retries and admission.
    let routing: RoutingRuntime
    /// The ledger, when one is configured.
    let ledger: Ledger?
    let auth: AuthConfig
    /// Model settings by name (output caps for budget reservations).
    let models: [String: ModelConfig]
    /// The exact-match response cache, when the ledger is on.
    let caching: ResponseCaching?

    /// The caller's virtual key (from `Authorization: Bearer` or Anthropic's `x-api-key`), nil when
    /// keys are optional and none of ours was sent.
    func authenticate(_ request: Request) async throws -> VirtualKey? {
        guard let ledger else { return nil }
        return try await ledger.authenticate(secret: Self.secret(in: request), required: auth.keysRequired)
    }

    /// The key a request presents.
    static func secret(in request: Request) -> String? {
        if let authorization = request.headers[.authorization] {
            // `Bearer <token>`, the scheme in any case; ASCII spaces and tabs around the token are dropped.
            let bytes = authorization.utf8
            guard bytes.count > 7, let space = bytes.firstIndex(of: UInt8(ascii: " ")),
                  String(decoding: bytes[..<space], as: UTF8.self).lowercased() == "bearer"
            else { return nil }
            let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
            let token = bytes[bytes.index(after: space)...]
            guard let first = token.firstIndex(where: { !isBlank($0) }), let last = token.lastIndex(where: { !isBlank($0) }) else {
                return nil
            }
            return String(decoding: token[first...last], as: UTF8.self)
        }
        return request.headers[.init("x-api-key")!]
    }

    /// Decides where a request goes: the caller's tier and tags, then the route table. A key that may
    /// not use the route name itself keeps only the models it may use.
    func plan(_ chat: ChatRequest, key: VirtualKey?, request: Request) throws -> RoutePlan {
        let caller = RoutePlan.caller(key: key, chat: chat, request: request, trustTierHeader: routing.trustTierHeader)
        guard var decision = routing.table.decide(chat.model, caller: caller, features: RequestFeatures(chat)) else {
            if registry.isEmpty {
                throw APIError(
                    status: 404,
                    message: "No model is configured. Start Sluice with --config sluice.yaml or --model NAME=KIND:BASE_URL.",
                    type: "invalid_request_error", param: "model", code: "model_not_found")
            }
            throw APIError.modelNotFound(chat.model)
        }
        if let key, !key.allows(model: chat.model) {
            decision.chain = decision.chain.filter { key.allows(model: $0) }
            if decision.chain.isEmpty { throw AccessDenied.modelNotAllowed(chat.model) }
        }
        return RoutePlan(decision: decision, caller: caller)
    }

    /// Opens the ledger account for a request about to go upstream: checks the key's model list, rate
    /// limits and budget. For a key with a budget, a request without `max_tokens` is capped at the
    /// smallest `max_output_tokens` of the models that may answer, so that its reservation is a true
    /// ceiling; the reservation covers the dearest of them.
    func openAccount(
        key: VirtualKey?, chat: inout ChatRequest, plan: RoutePlan, context: SluiceRequestContext, reserveBudget: Bool = true
    ) async throws -> RequestAccounting? {
        guard let ledger else { return nil }
        let started = ContinuousClock.now
        var candidates = plan.decision.chain
        if let downgrade = routing.tiers[plan.caller.tier]?.downgradeRoute,
           let alternative = routing.table.decide(downgrade, caller: plan.caller, features: RequestFeatures(chat)) {
            candidates += alternative.chain.filter { !candidates.contains($0) }
        }
        let cap = candidates.compactMap { models[$0]?.maxOutputTokens }.min() ?? 4096
        if key?.budget != nil && chat.outputTokenLimit == nil { chat.maxTokens = cap }
        let admission = Admission(
            requestID: context.requestID, key: key, route: chat.model, model: plan.decision.primary,
            upstream: upstreamLabel(plan.decision.primary),
            promptTokenBound: PromptBound.tokens(of: chat), completionTokenBound: chat.outputTokenLimit ?? cap,
            alternatives: Array(candidates.dropFirst()))
        let ticket = try await ledger.admit(admission, reserveBudget: reserveBudget)
        return RequestAccounting(ledger: ledger, ticket: ticket, started: started)
    }

    /// `backend:upstream-model` of a configured model, for the ledger.
    func upstreamLabel(_ model: String) -> String {
        guard let endpoint = registry[model]?.endpoint else { return model }
        return "\(endpoint.kind.rawValue):\(endpoint.upstreamModel)"
    }

    /// Gets one answer down the plan's fallback chain. A failure closes the account (no charge) before
    /// it is rethrown.
    func complete(
        _ chat: ChatRequest, plan: inout RoutePlan, account: inout RequestAccounting?, context: SluiceRequestContext
    ) async throws -> ChatResponse {
        let providerContext = providerContext(context)
        let answer = try await closingOnFailure(account) {
            try await dispatch(
                chat, plan: &plan, endsLease: true, logger: context.logger, usedTokens: { $0.usage?.totalTokens }
            ) {
                (provider: any ChatProvider, attempt: Dispatcher.Attempt) async throws -> ChatResponse in
                try await Deadline.race(until: attempt.totalDeadline, upstream: attempt.upstream, what: "no complete answer in time") {
                    try await provider.complete(chat, context: providerContext)
                }
            }
        }
        account?.answeredBy = (answer.backend.name, upstreamLabel(answer.backend.name))
        return answer.value
    }

    /// Opens a stream down the plan's fallback chain. A stream counts as open once its first chunk has
    /// arrived: until then, failures fall back silently to the next upstream. A failure before the
    /// first chunk everywhere closes the account (no charge) before it is rethrown; after that,
    /// ``StreamAccount`` closes it.
    func stream(
        _ chat: ChatRequest, plan: inout RoutePlan, account: inout RequestAccounting?, context: SluiceRequestContext
    ) async throws -> ChatStream {
        let providerContext = providerContext(context)
        let answer = try await closingOnFailure(account) {
            try await dispatch(chat, plan: &plan, endsLease: false, logger: context.logger) {
                (provider: any ChatProvider, attempt: Dispatcher.Attempt) async throws -> ChatStream in
                let deadline = min(attempt.firstByteDeadline, attempt.totalDeadline)
                let opened: (IteratorBox, ChatChunk?) = try await Deadline.race(
                    until: deadline, upstream: attempt.upstream, what: "no first byte in time"
                ) { () async throws -> (IteratorBox, ChatChunk?) in
                    let box = IteratorBox(try await provider.stream(chat, context: providerContext))
                    return (box, try await box.next())
                }
                let (box, first) = opened
                let lease = attempt.lease
                return ChatStream {
                    LeasedChunkSource(first: first, upstream: box, lease: lease, deadline: attempt.totalDeadline, name: attempt.upstream)
                }
            }
        }
        account?.answeredBy = (answer.backend.name, upstreamLabel(answer.backend.name))
        return answer.value
    }

    /// Runs the dispatcher; when the first model is full and the caller's tier downgrades, runs it again
    /// on the downgrade route (once). The plan's reason and answering model are updated.
    private func dispatch<Value: Sendable>(
        _ chat: ChatRequest, plan: inout RoutePlan, endsLease: Bool, logger: Logger,
        usedTokens: @escaping @Sendable (Value) -> Int? = { _ in nil },
        call: @escaping @Sendable (any ChatProvider, Dispatcher.Attempt) async throws -> Value
    ) async throws -> Dispatcher.Dispatched<Value> {
        let tokens = PromptBound.tokens(of: chat) / 4 + min(chat.outputTokenLimit ?? 256, 4096)
        do {
            return try await dispatchOrDowngrade(chat, plan: &plan, tokens: tokens, endsLease: endsLease, logger: logger, usedTokens: usedTokens, call: call)
        } catch let failure as Dispatcher.Failed {
            plan.settle(plan.answeredBy, notes: failure.notes)
            throw RoutedFailure(error: failure.error, reason: plan.reason)
        }
    }

    private func dispatchOrDowngrade<Value: Sendable>(
        _ chat: ChatRequest, plan: inout RoutePlan, tokens: Int, endsLease: Bool, logger: Logger,
        usedTokens: @escaping @Sendable (Value) -> Int?,
        call: @escaping @Sendable (any ChatProvider, Dispatcher.Attempt) async throws -> Value
    ) async throws -> Dispatcher.Dispatched<Value> {
        do {
            let answer = try await routing.dispatcher.dispatch(
                chat, chain: plan.decision.chain, caller: plan.caller, tokens: tokens, logger: logger, endsLease: endsLease,
                usedTokens: usedTokens, call: call)
            plan.settle(answer.backend.name, notes: answer.notes)
            return answer
        } catch let downgrade as Dispatcher.Downgrade {
            guard let decision = routing.table.decide(downgrade.route, caller: plan.caller, features: RequestFeatures(chat)) else {
                throw Dispatcher.shed(downgrade.rejection, model: plan.decision.primary)
            }
            plan.downgrade(to: decision, because: downgrade.rejection)
            do {
                let answer = try await routing.dispatcher.dispatch(
                    chat, chain: decision.chain, caller: plan.caller, tokens: tokens, logger: logger, endsLease: endsLease,
                    usedTokens: usedTokens, call: call)
                plan.settle(answer.backend.name, notes: answer.notes)
                return answer
            } catch let again as Dispatcher.Downgrade {
                throw Dispatcher.shed(again.rejection, model: decision.primary)
            }
        }
    }

    private func closingOnFailure<Result>(
        _ account: RequestAccounting?, _ call: () async throws -> Result
    ) async throws -> Result {
        do {
            return try await call()
        } catch {
            _ = try await account?.close(status: ErrorResponse.apiError(for: error).status, usage: nil)
            throw error
        }
    }

    /// The provider context for one request.
    func providerContext(_ context: SluiceRequestContext) -> SluiceProviders.RequestContext {
        SluiceProviders.RequestContext(requestID: context.requestID, logger: context.logger)
    }

    /// Headers every successful chat response carries, and the decision in the log.
    func decisionHeaders(_ plan: RoutePlan, contentType: String, cost: Money? = nil, logger: Logger? = nil) -> HTTPFields {
        var fields: HTTPFields = [
            .contentType: contentType,
            .sluiceModel: plan.answeredBy,
            .sluiceRouteReason: plan.reason,
        ]
        if let route = plan.decision.route { fields[.sluiceRoute] = route }
        if let from = plan.downgradedFrom { fields[.sluiceDowngraded] = from }
        if let cost { fields[.sluiceCost] = cost.headerValue }
        logger?.info(
            "routed",
            metadata: ["model": "\(plan.answeredBy)", "route": "\(plan.decision.route ?? "-")", "reason": "\(plan.reason)",
                       "tier": "\(plan.caller.tier)"])
        return fields
    }
}

extension ProviderError: ProviderErrorConvertible {}

/// JSON response bodies.
enum JSONResponse {
    static func body(_ value: some Encodable) throws -> ResponseBody {
        let data = try JSONEncoder().encode(value)
        return ResponseBody(byteBuffer: ByteBuffer(bytes: data))
    }
}
