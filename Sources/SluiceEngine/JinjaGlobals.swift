import Foundation

/// Global functions available to every template.
enum JinjaGlobals {
    static var functions: [String: JinjaValue] {
        [
            "raise_exception": .callable(JinjaCallable(name: "raise_exception") { (arguments: [JinjaValue], _: [(String, JinjaValue)], _: JinjaRenderer) throws(JinjaError) -> JinjaValue in
                throw JinjaError.raised(arguments.first?.text ?? "")
            }),
            "namespace": .callable(JinjaCallable(name: "namespace") { (arguments: [JinjaValue], keywords: [(String, JinjaValue)], _: JinjaRenderer) throws(JinjaError) -> JinjaValue in
                var values: JinjaDict = JinjaDict()
                if case .object(let initial)? = arguments.first { values = initial }
                for (key, value): (String, JinjaValue) in keywords { values[key] = value }
                return .namespace(JinjaNamespace(values))
            }),
            "dict": .callable(JinjaCallable(name: "dict") { (arguments: [JinjaValue], keywords: [(String, JinjaValue)], _: JinjaRenderer) throws(JinjaError) -> JinjaValue in
                var values: JinjaDict = JinjaDict()
                if case .object(let initial)? = arguments.first { values = initial }
                for (key, value): (String, JinjaValue) in keywords { values[key] = value }
                return .object(values)
            }),
            "range": .callable(JinjaCallable(name: "range") { (arguments: [JinjaValue], _: [(String, JinjaValue)], _: JinjaRenderer) throws(JinjaError) -> JinjaValue in
                let numbers: [Int] = arguments.compactMap(\.integer)
                guard numbers.count == arguments.count, (1...3).contains(numbers.count) else {
                    throw JinjaError.runtime("range() takes 1 to 3 integers")
                }
                let start: Int = numbers.count == 1 ? 0 : numbers[0]
                let stop: Int = numbers.count == 1 ? numbers[0] : numbers[1]
                let step: Int = numbers.count == 3 ? numbers[2] : 1
                guard step != 0 else { throw JinjaError.runtime("range() step must not be zero") }
                guard (stop - start) / step < 100_000 else { throw JinjaError.runtime("range() too large") }
                return .array(Swift.stride(from: start, to: stop, by: step).map { (value: Int) -> JinjaValue in .int(value) })
            }),
            "strftime_now": .callable(JinjaCallable(name: "strftime_now") { (arguments: [JinjaValue], _: [(String, JinjaValue)], _: JinjaRenderer) throws(JinjaError) -> JinjaValue in
                guard case .string(let format)? = arguments.first else { throw JinjaError.runtime("strftime_now() needs a format") }
                var now: time_t = time(nil)
                var parts: tm = tm()
                localtime_r(&now, &parts)
                var buffer: [CChar] = Array(repeating: 0, count: 256)
                let length: Int = strftime(&buffer, buffer.count, format, &parts)
                return .string(String(decoding: buffer[0..<length].map { (char: CChar) -> UInt8 in UInt8(bitPattern: char) }, as: UTF8.self))
            }),
        ]
    }
}
