import Foundation

/// A virtual key (`sk-sluice-…`): who is calling, and what they may use. Only the SHA-256 of the
/// secret is stored; the secret itself is shown once, when the key is created.
public struct VirtualKey: Sendable, Hashable, Codable {
    /// A stable, non-secret id such as `key_7Hq2…`, used by the admin API and in the ledger.
    public var id: String
    /// Hex SHA-256 of the secret.
    public var secretHash: String
    /// The first characters of the secret (`sk-sluice-AbC1`), safe to show in listings.
    public var displayPrefix: String
    /// The user or team the key belongs to.
    public var owner: String
    /// The caller's tier, such as `free` or `paid` (used by routing and admission).
    public var tier: String
    /// Models and routes the key may use; empty means all.
    public var allowedModels: [String]
    /// Requests per minute, if limited.
    public var rpm: Int?
    /// Tokens (prompt plus completion) per minute, if limited.
    public var tpm: Int?
    /// Spend limit, if any.
    public var budget: Budget?
    /// Whether responses for this key may be served from, and stored in, the exact-match response cache.
    public var responseCache: Bool
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(
        id: String, secretHash: String, displayPrefix: String, owner: String, tier: String = "default",
        allowedModels: [String] = [], rpm: Int? = nil, tpm: Int? = nil, budget: Budget? = nil,
        responseCache: Bool = false, createdAt: Date, expiresAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.id = id
        self.secretHash = secretHash
        self.displayPrefix = displayPrefix
        self.owner = owner
        self.tier = tier
        self.allowedModels = allowedModels
        self.rpm = rpm
        self.tpm = tpm
        self.budget = budget
        self.responseCache = responseCache
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// Whether the key may call `model` (a model or route name).
    public func allows(model: String) -> Bool {
        allowedModels.isEmpty || allowedModels.contains(model)
    }

    /// Whether the key has expired at `date`.
    public func isExpired(at date: Date) -> Bool {
        expiresAt.map { $0 <= date } ?? false
    }
}
