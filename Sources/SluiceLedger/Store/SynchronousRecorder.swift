/// A store that commits usage on a thread of its own. ``LedgerWriter`` then runs its group commit on
/// that thread: the batch is taken, committed and its waiters resumed there, with no task hops between
/// the queue, the database and the requests (the SQLite store; PostgreSQL is asynchronous throughout).
public protocol SynchronousRecorder: Sendable {
    /// Runs `job` on the recorder's thread, after every job submitted before it. Once the store is
    /// closed, `job` is called at once with `active` false and must not touch the store.
    func submitOnRecorderThread(_ job: @escaping @Sendable (_ active: Bool) -> Void)

    /// Writes the records and applies their settlements in one transaction, as ``Store/record(_:)``
    /// does. Call only inside a job given to ``submitOnRecorderThread(_:)``.
    func recordOnRecorderThread(_ entries: [LedgerEntry]) throws(LedgerError)
}

extension Store {
    /// The store as a ``SynchronousRecorder``, if it is one.
    var synchronousRecorder: (any SynchronousRecorder)? { self as? any SynchronousRecorder }
}
