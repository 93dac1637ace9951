import Foundation
import Hummingbird
import Logging
import NIOCore
import SluiceAPI
import SluiceLedger
import SluiceProviders

/// The part of the pipeline shared by both ingress formats: authenticate the caller, find the model,
/// check the request against it, open the ledger account, and call the provider.
struct ChatResponder: Sendable {
    let registry: ModelRegistry
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

    /// Opens the ledger account for a request about to go upstream: checks the key's model list, rate
    /// limits and budget. For a key with a budget, a request without `max_tokens` is capped at the
    /// model's `max_output_tokens`, so that its reservation is a true ceiling.
    func openAccount(
        key: VirtualKey?, chat: inout ChatRequest, route: String, provider: any ChatProvider, context: SluiceRequestContext,
        reserveBudget: Bool = true
    ) async throws -> RequestAccounting? {
        guard let ledger else { return nil }
        let started = ContinuousClock.now
        let endpoint = provider.endpoint
        let cap = models[endpoint.name]?.maxOutputTokens ?? 4096
        if key?.budget != nil && chat.outputTokenLimit == nil { chat.maxTokens = cap }
        let admission = Admission(
            requestID: context.requestID, key: key, route: route, model: endpoint.name,
            upstream: "\(endpoint.kind.rawValue):\(endpoint.upstreamModel)",
            promptTokenBound: PromptBound.tokens(of: chat), completionTokenBound: chat.outputTokenLimit ?? cap)
        let ticket = try await ledger.admit(admission, reserveBudget: reserveBudget)
        return RequestAccounting(ledger: ledger, ticket: ticket, started: started)
    }

    /// The provider for a validated request, or the 4xx that says why there is none.
    func provider(for request: ChatRequest) throws -> any ChatProvider {
        guard let provider = registry[request.model] else {
            if registry.isEmpty {
                throw APIError(
                    status: 404,
                    message: "No model is configured. Start Sluice with --config sluice.yaml or --model NAME=KIND:BASE_URL.",
                    type: "invalid_request_error", param: "model", code: "model_not_found")
            }
            throw APIError.modelNotFound(request.model)
        }
        do {
            try provider.check(request)
        } catch {
            throw error.apiError
        }
        return provider
    }

    /// Calls the provider for one answer. A failure closes the account (no charge) before it is rethrown.
    func complete(
        _ chat: ChatRequest, provider: any ChatProvider, account: RequestAccounting?, context: SluiceRequestContext
    ) async throws -> ChatResponse {
        try await closingOnFailure(account) { try await provider.complete(chat, context: providerContext(context)) }
    }

    /// Opens the provider's stream. A failure before the first chunk closes the account (no charge)
    /// before it is rethrown; after that, ``StreamAccount`` closes it.
    func stream(
        _ chat: ChatRequest, provider: any ChatProvider, account: RequestAccounting?, context: SluiceRequestContext
    ) async throws -> ChatStream {
        try await closingOnFailure(account) { try await provider.stream(chat, context: providerContext(context)) }
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

    /// Headers every successful chat response carries.
    func decisionHeaders(_ provider: any ChatProvider, contentType: String, cost: Money? = nil) -> HTTPFields {
        var fields = baseDecisionHeaders(provider, contentType: contentType)
        if let cost { fields[.sluiceCost] = cost.headerValue }
        return fields
    }

    private func baseDecisionHeaders(_ provider: any ChatProvider, contentType: String) -> HTTPFields {
        [
            .contentType: contentType,
            .sluiceModel: provider.endpoint.name,
            .sluiceRouteReason: "requested",
        ]
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
