/// One metadata value of a GGUF file, with the exact on-disk type preserved.
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8)
    case int8(Int8)
    case uint16(UInt16)
    case int16(Int16)
    case uint32(UInt32)
    case int32(Int32)
    case float32(Float)
    case bool(Bool)
    case string(String)
    case array([GGUFValue])
    case uint64(UInt64)
    case int64(Int64)
    case float64(Double)

    /// The string, if this is a `.string`.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// Any integer type as `Int` (nil for non-integers and for `uint64` values above `Int.max`).
    public var intValue: Int? {
        switch self {
        case .uint8(let v): return Int(v)
        case .int8(let v): return Int(v)
        case .uint16(let v): return Int(v)
        case .int16(let v): return Int(v)
        case .uint32(let v): return Int(v)
        case .int32(let v): return Int(v)
        case .uint64(let v): return v <= UInt64(Int.max) ? Int(v) : nil
        case .int64(let v): return Int(v)
        default: return nil
        }
    }

    /// A float value as `Double`; integers are converted too (some writers store e.g. rope bases as ints).
    public var floatValue: Double? {
        switch self {
        case .float32(let v): return Double(v)
        case .float64(let v): return v
        default:
            if let integer: Int = intValue { return Double(integer) }
            return nil
        }
    }

    /// The boolean, if this is a `.bool`.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The elements, if this is an `.array`.
    public var arrayValue: [GGUFValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    /// The array as strings; nil unless every element is a string.
    public var stringArray: [String]? {
        guard let values: [GGUFValue] = arrayValue else { return nil }
        var result: [String] = []
        result.reserveCapacity(values.count)
        for value: GGUFValue in values {
            guard let string: String = value.stringValue else { return nil }
            result.append(string)
        }
        return result
    }

    /// The array as integers; nil unless every element is an integer.
    public var intArray: [Int]? {
        guard let values: [GGUFValue] = arrayValue else { return nil }
        var result: [Int] = []
        result.reserveCapacity(values.count)
        for value: GGUFValue in values {
            guard let integer: Int = value.intValue else { return nil }
            result.append(integer)
        }
        return result
    }

    /// The array as floats; nil unless every element is numeric.
    public var floatArray: [Float]? {
        guard let values: [GGUFValue] = arrayValue else { return nil }
        var result: [Float] = []
        result.reserveCapacity(values.count)
        for value: GGUFValue in values {
            guard let number: Double = value.floatValue else { return nil }
            result.append(Float(number))
        }
        return result
    }
}
