/// Exact conversion between decimal text and integer nanos, without floating point.
enum DecimalText {
    /// `"0.27"` → 270_000_000. Nil for anything but an optional sign, digits, and at most one point
    /// followed by at most nine digits, or for an amount beyond Int64 nanos.
    static func nanos(_ text: String) -> Int64? {
        var scalars = Substring(text.trimmingWhitespace())
        var negative = false
        if scalars.first == "-" || scalars.first == "+" {
            negative = scalars.first == "-"
            scalars = scalars.dropFirst()
        }
        let parts = scalars.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, parts.count <= 2 else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !(whole.isEmpty && fraction.isEmpty), fraction.count <= 9,
              whole.allSatisfy(\.isASCIIDigit), fraction.allSatisfy(\.isASCIIDigit)
        else { return nil }
        var value: Int64 = 0
        for digit in whole + fraction.padding(toLength: 9, withPad: "0", startingAt: 0) {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(digit.asciiValue! - 48))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return negative ? -value : value
    }

    /// 270_000_000 → `"0.27"`; 5_000_000_000 → `"5"`. Written digit by digit into one buffer: this text
    /// goes out in the `x-sluice-cost` header of every priced request.
    static func format(nanos: Int64) -> String {
        let unit = UInt64(Money.nanosPerUnit)
        var whole = nanos.magnitude / unit
        var fraction = nanos.magnitude % unit
        // A sign, at most 10 whole digits (Int64.min is -9223372036.854775808), a point, 9 fraction digits.
        return String(unsafeUninitializedCapacity: 21) { bytes in
            var end = 0
            if nanos < 0 {
                bytes[end] = UInt8(ascii: "-")
                end += 1
            }
            let wholeStart = end
            repeat {
                bytes[end] = UInt8(ascii: "0") + UInt8(whole % 10)
                whole /= 10
                end += 1
            } while whole > 0
            bytes[wholeStart..<end].reverse()
            guard fraction != 0 else { return end }
            var places = 9
            while fraction % 10 == 0 {
                fraction /= 10
                places -= 1
            }
            bytes[end] = UInt8(ascii: ".")
            end += 1
            for place in stride(from: places - 1, through: 0, by: -1) {
                bytes[end + place] = UInt8(ascii: "0") + UInt8(fraction % 10)
                fraction /= 10
            }
            return end + places
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false }
}

extension String {
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[start...end]
    }
}
