import PostgresNIO

extension PostgresRandomAccessRow {
    /// The value of column `name`, or ``LedgerError/storeFailure(_:)`` if the row lacks it or holds
    /// something else.
    func value<Value: PostgresDecodable>(_ name: String, as type: Value.Type = Value.self) throws(LedgerError) -> Value {
        guard contains(name) else { throw .storeFailure("postgres: the result has no column \(name)") }
        do {
            return try self[name].decode(Value.self)
        } catch {
            throw .postgres(error)
        }
    }

    func int(_ name: String) throws(LedgerError) -> Int {
        Int(try value(name, as: Int64.self))
    }

    func optionalInt(_ name: String) throws(LedgerError) -> Int? {
        try value(name, as: Int64?.self).map { Int($0) }
    }
}
