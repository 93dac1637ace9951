import Foundation

/// Why the ledger turned a caller away. The gateway maps each case to an HTTP status and an
/// OpenAI-shaped error.
public enum AccessDenied: Error, Sendable, Hashable {
    /// No key was presented where one is required (401).
    case missingKey
    /// The key is not one the store knows (401).
    case invalidKey
    /// The key was revoked (401).
    case revokedKey
    /// The key expired (401).
    case expiredKey
    /// The key may not use this model or route (403).
    case modelNotAllowed(String)
    /// Over the key's RPM or TPM limit (429, with Retry-After).
    case rateLimited(RateLimitExceeded)
    /// The key's budget cannot cover the request (429).
    case budgetExceeded(limit: Money, remaining: Money)
}
