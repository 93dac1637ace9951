import Foundation

/// Where keys, budgets and usage records live. ``SQLiteStore`` is the embedded default (one gateway
/// process); ``PostgresStore`` serves several gateway replicas, which keep budgets exact across all of
/// them because reservation is one atomic statement in the database.
///
/// Every method throws ``LedgerError``. Every method is safe to call concurrently.
public protocol Store: Sendable {
    /// Creates the schema, or upgrades it, idempotently.
    func migrate() async throws

    // MARK: Keys

    /// Stores a new key. Throws ``LedgerError/duplicateKey(_:)`` if its id or secret hash is taken.
    func insertKey(_ key: VirtualKey) async throws
    /// The key whose secret hashes to `secretHash`, revoked or not.
    func key(secretHash: String) async throws -> VirtualKey?
    /// The key with this id, revoked or not.
    func key(id: String) async throws -> VirtualKey?
    /// Every key, oldest first.
    func keys() async throws -> [VirtualKey]
    /// Marks a key revoked. False if it was already revoked; throws ``LedgerError/keyNotFound(_:)``.
    func revokeKey(id: String, at date: Date) async throws -> Bool

    // MARK: Budgets

    /// Sets `amount` aside against the key's budget for the period containing `request.now`, atomically:
    /// it succeeds only if settled spend plus open reservations plus `amount` stays within the limit,
    /// and settled spend is below the limit. Otherwise throws ``LedgerError/budgetExceeded(keyID:limit:remaining:)``.
    func reserve(_ request: ReservationRequest) async throws -> BudgetReservation
    /// Closes a reservation without spending (the request failed before costing anything).
    func release(_ reservation: BudgetReservation) async throws
    /// Settled spend and open reservations for a key's period, in `currency`.
    func budgetStatus(keyID: String, periodStart: Int64, currency: Currency) async throws -> BudgetStatus
    /// Drops reservations whose lease ran out before `now` (a gateway that died mid-request). Returns how many.
    func expireReservations(now: Date) async throws -> Int

    // MARK: Usage

    /// Writes the records and applies their settlements in one transaction. When it returns, the
    /// records survive the gateway process being killed.
    func record(_ entries: [LedgerEntry]) async throws
    /// The record of one request.
    func usageRecord(requestID: String) async throws -> UsageRecord?
    /// Totals grouped as the query asks, largest cost first.
    func usage(_ query: UsageQuery) async throws -> [UsageTotal]
    /// Deletes records that started before `date`. Returns how many.
    func pruneUsage(before date: Date) async throws -> Int

    /// Closes connections; further calls fail.
    func close() async throws
}
