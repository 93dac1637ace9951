import SQLiteNIO

/// Typed column access that reports a missing column or a value of the wrong type as
/// ``LedgerError/storeFailure(_:)`` rather than trapping.
extension SQLiteRow {
    func int64(_ name: String) throws(LedgerError) -> Int64 {
        guard let value = try optionalInt64(name) else { throw .storeFailure("column \(name) is unexpectedly NULL") }
        return value
    }

    func optionalInt64(_ name: String) throws(LedgerError) -> Int64? {
        switch try data(name) {
        case .integer(let value): return Int64(value)
        case .null: return nil
        case let other: throw .storeFailure("column \(name) holds \(other), not an integer")
        }
    }

    func int(_ name: String) throws(LedgerError) -> Int { Int(try int64(name)) }

    func optionalInt(_ name: String) throws(LedgerError) -> Int? { try optionalInt64(name).map { Int($0) } }

    func text(_ name: String) throws(LedgerError) -> String {
        guard let value = try optionalText(name) else { throw .storeFailure("column \(name) is unexpectedly NULL") }
        return value
    }

    func optionalText(_ name: String) throws(LedgerError) -> String? {
        switch try data(name) {
        case .text(let value): return value
        case .null: return nil
        case let other: throw .storeFailure("column \(name) holds \(other), not text")
        }
    }

    func bool(_ name: String) throws(LedgerError) -> Bool {
        switch try int64(name) {
        case 0: return false
        case 1: return true
        case let other: throw .storeFailure("column \(name) holds \(other), not a boolean")
        }
    }

    private func data(_ name: String) throws(LedgerError) -> SQLiteData {
        guard let data = column(name) else { throw .storeFailure("the result has no column \(name)") }
        return data
    }
}
