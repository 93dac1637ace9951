/// A constant written in template source.
enum JinjaLiteral: Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
}

/// Parsed Jinja expressions.
indirect enum JinjaExpression: Sendable {
    case literal(JinjaLiteral)
    case name(String)
    case list([JinjaExpression])
    case dict([(JinjaExpression, JinjaExpression)])
    /// `object.name`
    case attribute(JinjaExpression, String)
    /// `object[index]`
    case item(JinjaExpression, JinjaExpression)
    /// `object[start:stop:step]`
    case slice(JinjaExpression, JinjaExpression?, JinjaExpression?, JinjaExpression?)
    case call(JinjaExpression, [JinjaExpression], [(String, JinjaExpression)])
    /// `value | name(args)`
    case filter(JinjaExpression, String, [JinjaExpression], [(String, JinjaExpression)])
    /// `value is [not] name(args)`
    case test(JinjaExpression, String, [JinjaExpression], negated: Bool)
    case unary(String, JinjaExpression)
    case binary(String, JinjaExpression, JinjaExpression)
    /// `a and b`, `a or b` (short-circuit)
    case logical(String, JinjaExpression, JinjaExpression)
    /// `then if condition else otherwise`
    case conditional(JinjaExpression, JinjaExpression, JinjaExpression?)
}

/// Where `set` and `for` bind values.
enum JinjaTarget: Sendable {
    case name(String)
    /// `namespace.attribute`
    case attribute(String, String)
    case tuple([String])
}

/// Parsed Jinja statements.
indirect enum JinjaNode: Sendable {
    case text(String)
    case output(JinjaExpression)
    case ifChain([(JinjaExpression, [JinjaNode])], otherwise: [JinjaNode])
    case forLoop(target: JinjaTarget, iterable: JinjaExpression, condition: JinjaExpression?, body: [JinjaNode], otherwise: [JinjaNode])
    case set(JinjaTarget, JinjaExpression)
    case setBlock(String, [JinjaNode])
    case macro(name: String, parameters: [(String, JinjaExpression?)], body: [JinjaNode])
    case breakLoop
    case continueLoop
}
