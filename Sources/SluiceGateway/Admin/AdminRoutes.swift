import Foundation
import Hummingbird
import NIOCore
import SluiceAPI
import SluiceLedger

/// `/admin/*`: keys, usage, routing and engine status. Every route sits behind ``AdminAuthMiddleware``.
struct AdminRoutes: Sendable {
    let ledger: Ledger?
    let maxBodyBytes: Int
    let routing: RoutingRuntime
    /// Model names in configuration order (for the routing status).
    let models: [String]
    /// The configured models (for the engine status).
    let registry: ModelRegistry

    func register(on router: Router<SluiceRequestContext>, adminKey: String?) {
        let admin = router.group("admin").add(middleware: AdminAuthMiddleware(adminKey: ledger == nil ? nil : adminKey))
        admin.post("keys", use: createKey)
        admin.get("keys", use: listKeys)
        admin.get("keys/{id}", use: getKey)
        admin.delete("keys/{id}", use: revokeKey)
        admin.get("usage", use: usage)
        admin.get("routing", use: routingStatus)
        admin.get("engine", use: engineStatus)
    }

    func engineStatus(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        try json(EngineStatusView(registry))
    }

    func routingStatus(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        try json(RoutingStatusView(routing, modelOrder: models))
    }

    func createKey(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        let ledger = try requireLedger()
        let body = try await RequestBody.collect(request, limit: maxBodyBytes)
        let create = try RequestBody.decode(CreateKeyBody.self, from: body)
        let (key, secret) = try await ledger.createKey(try create.spec(now: Date()))
        context.logger.notice("key created", metadata: ["key_id": "\(key.id)", "owner": "\(key.owner)"])
        return try json(KeyView(key, secret: secret), status: .created)
    }

    func listKeys(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        let keys = try await requireLedger().store.keys()
        return try json(ListBody(data: keys.map { KeyView($0) }))
    }

    func getKey(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        let ledger = try requireLedger()
        let id = try context.parameters.require("id")
        guard let key = try await ledger.store.key(id: id) else { throw LedgerError.keyNotFound(id) }
        var spend: BudgetStatusView?
        if let budget = key.budget {
            let status = try await ledger.store.budgetStatus(
                keyID: key.id, periodStart: budget.period.start(containing: Date()), currency: budget.limit.currency)
            spend = BudgetStatusView(status, limit: budget.limit)
        }
        return try json(KeyDetail(key: KeyView(key), spend: spend))
    }

    func revokeKey(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let changed = try await requireLedger().revokeKey(id: id)
        context.logger.notice("key revoked", metadata: ["key_id": "\(id)"])
        return try json(RevokedBody(id: id, revoked: true, changed: changed))
    }

    func usage(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        let ledger = try requireLedger()
        let query = try UsageQueryParameters.query(from: request.uri.queryParameters)
        let totals = try await ledger.store.usage(query)
        return try json(UsageBody(groupBy: query.groupBy.rawValue, currency: ledger.baseCurrency.code, data: totals.map(UsageRow.init)))
    }

    private func requireLedger() throws -> Ledger {
        guard let ledger else { throw APIError(status: 403, message: "No ledger is configured.", type: "invalid_request_error") }
        return ledger
    }

    private func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: try JSONResponse.body(value))
    }
}

struct ListBody<Item: Encodable & Sendable>: Encodable, Sendable {
    var object = "list"
    var data: [Item]
}

struct RevokedBody: Encodable, Sendable {
    var id: String
    var revoked: Bool
    /// False when the key was already revoked.
    var changed: Bool
}

struct KeyDetail: Encodable, Sendable {
    var key: KeyView
    var spend: BudgetStatusView?
}

/// The current budget period of a key.
struct BudgetStatusView: Encodable, Sendable {
    var periodStart: String
    var limit: String
    var spent: String
    var reserved: String
    var remaining: String
    var currency: String

    enum CodingKeys: String, CodingKey {
        case limit, spent, reserved, remaining, currency
        case periodStart = "period_start"
    }

    init(_ status: BudgetStatus, limit: Money) {
        periodStart = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(status.periodStart)))
        self.limit = limit.amountText
        spent = status.spent.amountText
        reserved = status.reserved.amountText
        remaining = Money(nanos: limit.nanos - status.spent.nanos - status.reserved.nanos, currency: limit.currency).amountText
        currency = limit.currency.code
    }
}

struct UsageBody: Encodable, Sendable {
    var object = "usage"
    var groupBy: String
    var currency: String
    var data: [UsageRow]

    enum CodingKeys: String, CodingKey {
        case object, currency, data
        case groupBy = "group_by"
    }
}

/// One group's totals; `cost` is decimal text in the base currency.
struct UsageRow: Encodable, Sendable {
    var group: String
    var requests: Int
    var errors: Int
    var cacheHits: Int
    var promptTokens: Int
    var cachedTokens: Int
    var completionTokens: Int
    var reasoningTokens: Int
    var cost: String

    enum CodingKeys: String, CodingKey {
        case group, requests, errors, cost
        case cacheHits = "cache_hits"
        case promptTokens = "prompt_tokens"
        case cachedTokens = "cached_tokens"
        case completionTokens = "completion_tokens"
        case reasoningTokens = "reasoning_tokens"
    }

    init(_ total: UsageTotal) {
        group = total.group
        requests = total.requests
        errors = total.errors
        cacheHits = total.cacheHits
        promptTokens = total.tokens.prompt
        cachedTokens = total.tokens.cached
        completionTokens = total.tokens.completion
        reasoningTokens = total.tokens.reasoning
        cost = total.cost.amountText
    }
}
