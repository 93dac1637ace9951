import Foundation

extension RetryAfter {
    /// A parser for HTTP-date (RFC 9110 §5.6.7), without `DateFormatter`: pure, thread-safe, and exact.
    ///
    /// Reads the preferred IMF-fixdate form and the two obsolete forms recipients must accept:
    /// - `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate)
    /// - `Sunday, 06-Nov-94 08:49:37 GMT` (RFC 850; a two-digit year below 70 is 20xx, otherwise 19xx)
    /// - `Sun Nov  6 08:49:37 1994` (ANSI C asctime)
    ///
    /// Names are matched without regard to case; the day name is checked to be one, not to match the date.
    enum HTTPDate {
        private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        private static let shortDays: Set<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        private static let longDays: Set<String> = [
            "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        ]

        static func parse(_ value: String) -> Date? {
            let tokens = value.lowercased().split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            switch tokens.count {
            case 6:  // IMF-fixdate
                guard tokens[0].hasSuffix(","), shortDays.contains(String(tokens[0].dropLast())), tokens[5] == "gmt",
                    tokens[1].count == 2, tokens[3].count == 4,
                    let day = digits(tokens[1]), let month = month(tokens[2]), let year = digits(tokens[3])
                else { return nil }
                return date(year: year, month: month, day: day, time: tokens[4])
            case 4:  // RFC 850
                let parts = tokens[1].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
                guard tokens[0].hasSuffix(","), longDays.contains(String(tokens[0].dropLast())), tokens[3] == "gmt",
                    parts.count == 3, parts[0].count == 2, parts[2].count == 2,
                    let day = digits(parts[0]), let month = month(parts[1]), let shortYear = digits(parts[2])
                else { return nil }
                let year = shortYear < 70 ? 2000 + shortYear : 1900 + shortYear
                return date(year: year, month: month, day: day, time: tokens[2])
            case 5:  // asctime
                guard shortDays.contains(tokens[0]), (1...2).contains(tokens[2].count), tokens[4].count == 4,
                    let month = month(tokens[1]), let day = digits(tokens[2]), let year = digits(tokens[4])
                else { return nil }
                return date(year: year, month: month, day: day, time: tokens[3])
            default:
                return nil
            }
        }

        /// The value of a short run of ASCII digits (no sign, unlike `Int.init`).
        private static func digits(_ text: some StringProtocol) -> Int? {
            guard !text.isEmpty, text.count <= 4, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            return Int(text)
        }

        /// The month number (1–12) of a three-letter month name.
        private static func month(_ name: String) -> Int? {
            months.firstIndex(of: name).map { $0 + 1 }
        }

        /// The instant of a UTC calendar date and an `hh:mm:ss` time, or `nil` when either is out of range.
        private static func date(year: Int, month: Int, day: Int, time: String) -> Date? {
            let parts = time.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, parts.allSatisfy({ $0.count == 2 }),
                let hour = Int(parts[0]), let minute = Int(parts[1]), let second = digits(parts[2]),
                (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
                (1...daysInMonth(month, year: year)).contains(day)
            else { return nil }
            let days = daysFromCivil(year: year, month: month, day: day)
            return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second))
        }

        private static func daysInMonth(_ month: Int, year: Int) -> Int {
            switch month {
            case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
            case 4, 6, 9, 11: 30
            default: 31
            }
        }

        /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
        private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            return era * 146_097 + dayOfEra - 719_468
        }
    }
}
