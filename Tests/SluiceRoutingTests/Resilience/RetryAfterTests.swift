import Foundation
import Testing
@testable import SluiceRouting

@Suite("RetryAfter parsing")
struct RetryAfterTests {
    /// Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example date.
    private let example = Date(timeIntervalSince1970: 784_111_777)

    @Test("delta-seconds")
    func deltaSeconds() {
        #expect(RetryAfter.parse("120", now: example) == .seconds(120))
        #expect(RetryAfter.parse("0", now: example) == .zero)
        #expect(RetryAfter.parse("  7 ", now: example) == .seconds(7))
        #expect(RetryAfter.parse("007", now: example) == .seconds(7))
        // Too large for any clock: saturates rather than being ignored.
        let huge = RetryAfter.parse("99999999999999999999999999", now: example)
        #expect(huge.map { $0 > .seconds(1_000_000_000) } == true)
    }

    @Test("IMF-fixdate, in the future and in the past")
    func imfFixdate() {
        let now = example - 90
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == .seconds(90))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now: example + 5) == .zero)
        #expect(RetryAfter.parse("Thu, 01 Jan 1970 00:00:10 GMT", now: Date(timeIntervalSince1970: 0)) == .seconds(10))
        // A leap day, and a date after 2038.
        #expect(
            RetryAfter.parse("Thu, 29 Feb 2024 12:00:00 GMT", now: Date(timeIntervalSince1970: 1_709_208_000 - 3))
                == .seconds(3))
        #expect(
            RetryAfter.parse("Sat, 01 Jan 2050 00:00:01 GMT", now: Date(timeIntervalSince1970: 2_524_608_000))
                == .seconds(1))
    }

    @Test("the obsolete RFC 850 and asctime forms")
    func obsoleteForms() {
        let now = example - 30
        #expect(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Sun Nov  6 08:49:37 1994", now: now) == .seconds(30))
    }

    @Test("garbage is nil")
    func garbage() {
        for value in [
            "", "   ", "soon", "-5", "+5", "1.5", "5s", "0x10", "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 2023 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:61:00 GMT", "Sun, 06 Nov 1994 8:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-1994 08:49:37 GMT",
        ] {
            #expect(RetryAfter.parse(value, now: example) == nil, "\(value)")
        }
    }

    @Test("retry-after-ms")
    func milliseconds() {
        #expect(RetryAfter.parse(milliseconds: "1500") == .milliseconds(1500))
        #expect(RetryAfter.parse(milliseconds: "20.5") == .microseconds(20_500))
        #expect(RetryAfter.parse(milliseconds: "-1") == nil)
        #expect(RetryAfter.parse(milliseconds: "abc") == nil)
        #expect(RetryAfter.parse(milliseconds: "") == nil)
    }
}
