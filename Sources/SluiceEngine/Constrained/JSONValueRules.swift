/// The rules every schema shares (whitespace, strings, numbers, free-form values), created on first use.
struct JSONValueRules {
    private(set) var space: Int?
    private(set) var string: Int?
    private(set) var integer: Int?
    private(set) var number: Int?
    private(set) var boolean: Int?
    private(set) var null: Int?
    private(set) var value: Int?
    private(set) var object: Int?

    /// Significant digits allowed in an integer part, a fraction, and an exponent (so that a small
    /// model cannot loop on digits, and every number fits a double).
    static let integerDigits: Int = 15
    static let fractionDigits: Int = 15
    static let exponentDigits: Int = 2

    /// Optional whitespace: nothing or a single space (after `:` and `,` only).
    mutating func space(_ builder: inout JSONGrammarBuilder) -> Int {
        if let space { return space }
        let rule: Int = builder.add([[], JSONGrammarItem.literal(" ")])
        space = rule
        return rule
    }

    mutating func string(_ builder: inout JSONGrammarBuilder) -> Int {
        if let string { return string }
        let rule: Int = Self.string(&builder, min: 0, max: nil)
        string = rule
        return rule
    }

    /// A string of `min...max` characters (Unicode scalars).
    static func string(_ builder: inout JSONGrammarBuilder, min: Int, max: Int?) -> Int {
        let quote: [JSONGrammarItem] = JSONGrammarItem.literal("\"")
        return builder.repetition(open: quote, item: [.char], separator: [], close: quote, min: min, max: max)
    }

    mutating func integer(_ builder: inout JSONGrammarBuilder) -> Int {
        if let integer { return integer }
        let digits: Int = builder.upTo(.bytes(JSONByteSet(ranges: 48...57)), Self.integerDigits - 1)
        let magnitude: Int = builder.add([JSONGrammarItem.literal("0"), [.bytes(JSONByteSet(ranges: 49...57)), .rule(digits)]])
        let rule: Int = builder.add([[.rule(magnitude)], JSONGrammarItem.literal("-") + [.rule(magnitude)]])
        integer = rule
        return rule
    }

    mutating func number(_ builder: inout JSONGrammarBuilder) -> Int {
        if let number { return number }
        let whole: Int = integer(&builder)
        let digit: JSONGrammarItem = .bytes(JSONByteSet(ranges: 48...57))
        let fractionTail: Int = builder.upTo(digit, Self.fractionDigits - 1)
        let fraction: Int = builder.add([[], JSONGrammarItem.literal(".") + [digit, .rule(fractionTail)]])
        let exponentTail: Int = builder.upTo(digit, Self.exponentDigits - 1)
        let sign: Int = builder.add([[], [.bytes(JSONByteSet(ascii: "+-"))]])
        let exponent: Int = builder.add([[], [.bytes(JSONByteSet(ascii: "eE")), .rule(sign), digit, .rule(exponentTail)]])
        let rule: Int = builder.add([[.rule(whole), .rule(fraction), .rule(exponent)]])
        number = rule
        return rule
    }

    mutating func boolean(_ builder: inout JSONGrammarBuilder) -> Int {
        if let boolean { return boolean }
        let rule: Int = builder.add([JSONGrammarItem.literal("true"), JSONGrammarItem.literal("false")])
        boolean = rule
        return rule
    }

    mutating func null(_ builder: inout JSONGrammarBuilder) -> Int {
        if let null { return null }
        let rule: Int = builder.add([JSONGrammarItem.literal("null")])
        null = rule
        return rule
    }

    /// Any JSON value.
    mutating func value(_ builder: inout JSONGrammarBuilder) -> Int {
        if let value { return value }
        let rule: Int = builder.reserve()
        value = rule
        let array: Int = builder.repetition(
            open: JSONGrammarItem.literal("["), item: [.rule(rule)], separator: JSONGrammarItem.literal(",") + [.rule(space(&builder))],
            close: JSONGrammarItem.literal("]"), min: 0, max: nil)
        let members: [[JSONGrammarItem]] = [
            [.rule(string(&builder))], [.rule(number(&builder))], [.rule(object(&builder))], [.rule(array)],
            [.rule(boolean(&builder))], [.rule(null(&builder))],
        ]
        builder.define(rule, members)
        return rule
    }

    /// Any JSON object.
    mutating func object(_ builder: inout JSONGrammarBuilder) -> Int {
        if let object { return object }
        let reserved: Int = builder.reserve()
        object = reserved
        let rule: Int = map(&builder, values: value(&builder))
        builder.define(reserved, [[.rule(rule)]])
        return reserved
    }

    /// An object whose keys are any strings and whose values match `values`.
    mutating func map(_ builder: inout JSONGrammarBuilder, values: Int) -> Int {
        let member: [JSONGrammarItem] = [.rule(string(&builder))] + JSONGrammarItem.literal(":") + [.rule(space(&builder)), .rule(values)]
        return builder.repetition(
            open: JSONGrammarItem.literal("{"), item: member, separator: JSONGrammarItem.literal(",") + [.rule(space(&builder))],
            close: JSONGrammarItem.literal("}"), min: 0, max: nil)
    }
}
