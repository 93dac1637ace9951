import Foundation

/// Reading an upstream's `Retry-After` header (RFC 9110 §10.2.3).
public enum RetryAfter {
    /// The wait a `Retry-After` value asks for, or `nil` when the value is neither form.
    ///
    /// - delta-seconds (`"120"`): that many seconds. Only ASCII digits are accepted (no sign, no
    ///   fraction); values too large for the clock saturate rather than fail.
    /// - HTTP-date (`"Sun, 06 Nov 1994 08:49:37 GMT"`): the time from `now` until then, zero when it has
    ///   passed. IMF-fixdate is the preferred form; the obsolete RFC 850 and asctime forms that RFC 9110
    ///   asks recipients to accept are read too.
    ///
    /// Surrounding whitespace is ignored.
    public static func parse(_ header: String, now: Date = Date()) -> Duration? {
        let value = header.trimmingCharacters(in: .whitespaces)
        if let seconds = digits(value) {
            return .seconds(seconds)
        }
        guard let date = HTTPDate.parse(value) else { return nil }
        let interval = date.timeIntervalSince(now)
        return interval > 0 ? ResilienceTime.duration(nanoseconds: interval * 1e9) : .zero
    }

    /// The wait a `retry-after-ms` value asks for (a non-standard header OpenAI and Azure send beside
    /// `Retry-After`): whole or fractional milliseconds, or `nil` when it is not a non-negative number.
    public static func parse(milliseconds header: String) -> Duration? {
        let value = header.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty, value.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == UInt8(ascii: ".") }),
            let milliseconds = Double(value), milliseconds.isFinite
        else { return nil }
        return ResilienceTime.duration(nanoseconds: milliseconds * 1e6)
    }

    /// The value as a count of seconds when it is a non-empty run of ASCII digits, saturating.
    private static func digits(_ value: String) -> Int64? {
        guard !value.isEmpty else { return nil }
        var result: Int64 = 0
        for byte in value.utf8 {
            guard (0x30...0x39).contains(byte) else { return nil }
            let (times10, overflow) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(byte - 0x30))
            if overflow || overflow2 { return Int64.max / 1_000_000_000 }
            result = sum
        }
        return min(result, Int64.max / 1_000_000_000)
    }
}
