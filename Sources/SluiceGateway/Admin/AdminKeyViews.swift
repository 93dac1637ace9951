import Foundation
import SluiceLedger

/// `POST /admin/keys` body.
struct CreateKeyBody: Decodable, Sendable {
    var owner: String
    var tier: String?
    var models: [String]?
    var rpm: Int?
    var tpm: Int?
    var budget: BudgetBody?
    var responseCache: Bool?
    /// RFC 3339 time, or use `expiresInDays`.
    var expiresAt: String?
    var expiresInDays: Double?

    enum CodingKeys: String, CodingKey {
        case owner, tier, models, rpm, tpm, budget
        case responseCache = "response_cache"
        case expiresAt = "expires_at"
        case expiresInDays = "expires_in_days"
    }

    /// The spec this body asks for, or the 400 that says which field is wrong.
    func spec(now: Date) throws -> KeySpec {
        var expiry: Date?
        if let expiresAt {
            guard let date = ISO8601DateFormatter().date(from: expiresAt) else {
                throw LedgerError.invalidArgument("expires_at must be an RFC 3339 time such as 2027-01-01T00:00:00Z")
            }
            expiry = date
        } else if let expiresInDays {
            guard expiresInDays > 0 else { throw LedgerError.invalidArgument("expires_in_days must be positive") }
            expiry = now.addingTimeInterval(expiresInDays * 86_400)
        }
        let spec = KeySpec(
            owner: owner, tier: tier ?? "default", allowedModels: models ?? [], rpm: rpm, tpm: tpm,
            budget: try budget?.budget(), responseCache: responseCache ?? false, expiresAt: expiry)
        try spec.validate()
        return spec
    }
}

/// A budget as JSON: `{"amount": "10.50", "currency": "USD", "period": "month"}`. The amount may be a
/// string or a number; numbers are read through their decimal text.
struct BudgetBody: Codable, Sendable {
    var amount: String
    var currency: String
    var period: String

    enum CodingKeys: String, CodingKey { case amount, currency, period }

    init(amount: String, currency: String, period: String) {
        self.amount = amount
        self.currency = currency
        self.period = period
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try? container.decode(String.self, forKey: .amount) {
            amount = text
        } else {
            amount = "\(try container.decode(Decimal.self, forKey: .amount))"
        }
        currency = try container.decodeIfPresent(String.self, forKey: .currency) ?? "USD"
        period = try container.decodeIfPresent(String.self, forKey: .period) ?? "month"
    }

    init(_ budget: Budget) {
        self.init(amount: budget.limit.amountText, currency: budget.limit.currency.code, period: budget.period.rawValue)
    }

    func budget() throws -> Budget {
        guard let limit = Money(amount, currency: Currency(currency)), limit.nanos > 0 else {
            throw LedgerError.invalidArgument("budget.amount must be a positive decimal with at most 9 fraction digits")
        }
        guard let period = BudgetPeriod(rawValue: period) else {
            throw LedgerError.invalidArgument("budget.period must be day, month or total")
        }
        return Budget(limit: limit, period: period)
    }
}

/// A key as the admin API shows it: never the secret, only its first characters.
struct KeyView: Encodable, Sendable {
    var id: String
    var prefix: String
    var owner: String
    var tier: String
    var models: [String]
    var rpm: Int?
    var tpm: Int?
    var budget: BudgetBody?
    var responseCache: Bool
    var createdAt: String
    var expiresAt: String?
    var revokedAt: String?
    var status: String
    /// Only in the response to `POST /admin/keys`: the secret, shown this once.
    var key: String?

    enum CodingKeys: String, CodingKey {
        case id, prefix, owner, tier, models, rpm, tpm, budget, status, key
        case responseCache = "response_cache"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
    }

    init(_ key: VirtualKey, secret: String? = nil, now: Date = Date()) {
        let format = ISO8601DateFormatter()
        self.id = key.id
        self.prefix = key.displayPrefix + "…"
        self.owner = key.owner
        self.tier = key.tier
        self.models = key.allowedModels
        self.rpm = key.rpm
        self.tpm = key.tpm
        self.budget = key.budget.map(BudgetBody.init)
        self.responseCache = key.responseCache
        self.createdAt = format.string(from: key.createdAt)
        self.expiresAt = key.expiresAt.map(format.string(from:))
        self.revokedAt = key.revokedAt.map(format.string(from:))
        self.status = key.revokedAt != nil ? "revoked" : key.isExpired(at: now) ? "expired" : "active"
        self.key = secret
    }
}
