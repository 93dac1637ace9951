import PostgresNIO

extension LedgerError {
    /// A PostgreSQL failure as the ledger reports it: the server's message and SQLSTATE, or the client's
    /// error code. Never the connection's password (PostgresNIO keeps it out of its errors, and the
    /// URL is never quoted).
    static func postgres(_ error: any Error) -> LedgerError {
        switch error {
        case let error as LedgerError:
            return error
        case let error as PostgresTransactionError:
            if let inner = error.closureError ?? error.commitError ?? error.beginError { return postgres(inner) }
            return .storeFailure("postgres: transaction failed")
        case let error as PSQLError:
            if let info = error.serverInfo {
                let message = info[.message] ?? "error"
                let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                let detail = info[.detail].map { ": \($0)" } ?? ""
                return .storeFailure("postgres: \(message)\(detail)\(state)")
            }
            let underlying = error.underlying.map { ": \($0)" } ?? ""
            return .storeFailure("postgres: \(error.code)\(underlying)")
        case let error as PostgresDecodingError:
            return .storeFailure(
                "postgres: column \(error.columnName) cannot be read as \(error.targetType) (\(error.code))")
        default:
            return .storeFailure("postgres: \(error)")
        }
    }

    /// The SQLSTATE of a server error, looking through a transaction's wrapper.
    static func sqlState(of error: any Error) -> String? {
        if let error = error as? PostgresTransactionError {
            return (error.closureError ?? error.commitError ?? error.beginError).flatMap(sqlState(of:))
        }
        return (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}

/// SQLSTATEs the store acts on.
enum PostgresState {
    static let uniqueViolation = "23505"
    static let serializationFailure = "40001"
    static let deadlockDetected = "40P01"
}
