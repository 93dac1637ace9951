/// A store that can make records durable on the caller's own thread, without a commit to wait for (the
/// SQLite store appends them to its journal). ``LedgerWriter`` then hands each entry straight to it
/// instead of queueing it for a group commit.
public protocol DirectRecorder: Sendable {
    /// Makes `entries` durable and applies their settlements before it returns, as ``Store/record(_:)``
    /// does. Returns false, doing nothing, when the store cannot at present; the entries must then go
    /// through ``Store/record(_:)``.
    func recordDirectly(_ entries: [LedgerEntry]) throws(LedgerError) -> Bool
}

extension Store {
    /// The store as a ``DirectRecorder``, if it is one.
    var directRecorder: (any DirectRecorder)? { self as? any DirectRecorder }
}
