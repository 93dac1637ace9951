/// What the ledger and its stores throw.
public enum LedgerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Reserving would take the key past its budget; `remaining` is what is left after settled spend
    /// and open reservations.
    case budgetExceeded(keyID: String, limit: Money, remaining: Money)
    /// A key id that the store does not hold.
    case keyNotFound(String)
    /// A key with this id or secret already exists.
    case duplicateKey(String)
    /// A currency with no configured exchange rate.
    case unknownCurrency(Currency)
    /// A value that cannot be stored or computed.
    case invalidArgument(String)
    /// The database failed; the message never contains a secret.
    case storeFailure(String)

    public var description: String {
        switch self {
        case .budgetExceeded(let keyID, let limit, let remaining):
            "key \(keyID) is out of budget (limit \(limit), remaining \(remaining))"
        case .keyNotFound(let id): "no key with id \(id)"
        case .duplicateKey(let id): "a key with id \(id) already exists"
        case .unknownCurrency(let currency): "no exchange rate is configured for \(currency)"
        case .invalidArgument(let message): message
        case .storeFailure(let message): "ledger store failed: \(message)"
        }
    }
}
