import SluiceAPI

extension JSONValue {
    /// Estimated tokens of the value written as JSON: its strings and keys by ``TextStats``, plus one
    /// token per punctuation mark or number.
    var estimatedTokens: Int {
        switch self {
        case .null, .bool, .int, .double:
            return 1
        case .string(let text):
            return 1 + TextStats(text).estimatedTokens
        case .array(let items):
            return items.reduce(1) { $0 + 1 + $1.estimatedTokens }
        case .object(let members):
            return members.reduce(1) { $0 + 2 + TextStats($1.key).estimatedTokens + $1.value.estimatedTokens }
        }
    }
}
