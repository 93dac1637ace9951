/// Parses lexed template segments into statement trees (recursive descent, Jinja operator precedence).
struct JinjaParser {
    private let segments: [JinjaLexer.Segment]
    private var position: Int = 0

    static func parse(_ source: String) throws(JinjaError) -> [JinjaNode] {
        var parser: JinjaParser = JinjaParser(segments: try JinjaLexer.segments(source))
        let (nodes, end): ([JinjaNode], String?) = try parser.parseBlock(until: [])
        if let end: String = end { throw JinjaError.syntax("unexpected {% \(end) %}") }
        return nodes
    }

    private init(segments: [JinjaLexer.Segment]) {
        self.segments = segments
    }

    /// Parses nodes until a statement whose keyword is in `terminators`; returns the nodes and that keyword
    /// (its remaining tokens are left in `pendingTokens`).
    private var pendingTokens: ExpressionParser? = nil

    private mutating func parseBlock(until terminators: Set<String>) throws(JinjaError) -> ([JinjaNode], String?) {
        var nodes: [JinjaNode] = []
        while position < segments.count {
            let segment: JinjaLexer.Segment = segments[position]
            position += 1
            switch segment {
            case .text(let text):
                nodes.append(.text(text))
            case .output(let source):
                var expression: ExpressionParser = try ExpressionParser(source)
                nodes.append(.output(try expression.parseExpression()))
                try expression.expectEnd()
            case .statement(let source):
                var tokens: ExpressionParser = try ExpressionParser(source)
                guard case .name(let keyword) = tokens.next() else {
                    throw JinjaError.syntax("expected a statement in {% \(source) %}")
                }
                if terminators.contains(keyword) {
                    pendingTokens = tokens
                    return (nodes, keyword)
                }
                if let node: JinjaNode = try parseStatement(keyword, &tokens) { nodes.append(node) }
            }
        }
        if !terminators.isEmpty {
            throw JinjaError.syntax("missing {% \(terminators.sorted().joined(separator: " / ")) %}")
        }
        return (nodes, nil)
    }

    private mutating func takePending() -> ExpressionParser {
        let tokens: ExpressionParser = pendingTokens!
        pendingTokens = nil
        return tokens
    }

    private mutating func parseStatement(_ keyword: String, _ tokens: inout ExpressionParser) throws(JinjaError) -> JinjaNode? {
        switch keyword {
        case "if":
            var branches: [(JinjaExpression, [JinjaNode])] = []
            var condition: JinjaExpression = try tokens.parseExpression()
            try tokens.expectEnd()
            while true {
                let (body, end): ([JinjaNode], String?) = try parseBlock(until: ["elif", "else", "endif"])
                branches.append((condition, body))
                var rest: ExpressionParser = takePending()
                switch end {
                case "elif":
                    condition = try rest.parseExpression()
                    try rest.expectEnd()
                case "else":
                    try rest.expectEnd()
                    let (otherwise, _): ([JinjaNode], String?) = try parseBlock(until: ["endif"])
                    let close: ExpressionParser = takePending()
                    try close.expectEnd()
                    return .ifChain(branches, otherwise: otherwise)
                default:
                    try rest.expectEnd()
                    return .ifChain(branches, otherwise: [])
                }
            }
        case "for":
            let target: JinjaTarget = try tokens.parseTarget(allowTuple: true)
            try tokens.expectName("in")
            let iterable: JinjaExpression = try tokens.parseOr()
            var condition: JinjaExpression? = nil
            if tokens.acceptName("if") { condition = try tokens.parseExpression() }
            _ = tokens.acceptName("recursive")
            try tokens.expectEnd()
            let (body, end): ([JinjaNode], String?) = try parseBlock(until: ["else", "endfor"])
            let rest: ExpressionParser = takePending()
            try rest.expectEnd()
            var otherwise: [JinjaNode] = []
            if end == "else" {
                (otherwise, _) = try parseBlock(until: ["endfor"])
                let close: ExpressionParser = takePending()
                try close.expectEnd()
            }
            return .forLoop(target: target, iterable: iterable, condition: condition, body: body, otherwise: otherwise)
        case "set":
            let target: JinjaTarget = try tokens.parseTarget(allowTuple: true)
            if tokens.acceptSymbol("=") {
                let value: JinjaExpression = try tokens.parseTupleOrExpression()
                try tokens.expectEnd()
                return .set(target, value)
            }
            guard case .name(let name) = target else { throw JinjaError.syntax("block set needs a plain name") }
            try tokens.expectEnd()
            let (body, _): ([JinjaNode], String?) = try parseBlock(until: ["endset"])
            let close: ExpressionParser = takePending()
            try close.expectEnd()
            return .setBlock(name, body)
        case "macro":
            guard case .name(let name) = tokens.next() else { throw JinjaError.syntax("macro needs a name") }
            try tokens.expectSymbol("(")
            var parameters: [(String, JinjaExpression?)] = []
            while !tokens.acceptSymbol(")") {
                if !parameters.isEmpty { try tokens.expectSymbol(",") }
                if tokens.acceptSymbol(")") { break }
                guard case .name(let parameter) = tokens.next() else { throw JinjaError.syntax("bad macro parameter") }
                var defaultValue: JinjaExpression? = nil
                if tokens.acceptSymbol("=") { defaultValue = try tokens.parseExpression() }
                parameters.append((parameter, defaultValue))
            }
            try tokens.expectEnd()
            let (body, _): ([JinjaNode], String?) = try parseBlock(until: ["endmacro"])
            var close: ExpressionParser = takePending()
            _ = close.next()
            return .macro(name: name, parameters: parameters, body: body)
        case "break":
            try tokens.expectEnd()
            return .breakLoop
        case "continue":
            try tokens.expectEnd()
            return .continueLoop
        case "generation", "endgeneration":
            // Hugging Face's AssistantTracker markers: no output of their own.
            return nil
        default:
            throw JinjaError.syntax("unsupported statement {% \(keyword) %}")
        }
    }
}

/// Parses the expression language over a token list.
struct ExpressionParser {
    private let tokens: [JinjaToken]
    private var index: Int = 0

    init(_ source: String) throws(JinjaError) {
        tokens = try JinjaExpressionLexer.tokens(source)
    }

    var current: JinjaToken { tokens[index] }

    mutating func next() -> JinjaToken {
        let token: JinjaToken = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    mutating func acceptSymbol(_ symbol: String) -> Bool {
        if current == .symbol(symbol) {
            index += 1
            return true
        }
        return false
    }

    mutating func acceptName(_ name: String) -> Bool {
        if current == .name(name) {
            index += 1
            return true
        }
        return false
    }

    mutating func expectSymbol(_ symbol: String) throws(JinjaError) {
        guard acceptSymbol(symbol) else { throw JinjaError.syntax("expected '\(symbol)', found \(current)") }
    }

    mutating func expectName(_ name: String) throws(JinjaError) {
        guard acceptName(name) else { throw JinjaError.syntax("expected '\(name)', found \(current)") }
    }

    func expectEnd() throws(JinjaError) {
        guard current == .end else { throw JinjaError.syntax("unexpected \(current)") }
    }

    /// `name`, `name.attribute` or `a, b, …`.
    mutating func parseTarget(allowTuple: Bool) throws(JinjaError) -> JinjaTarget {
        guard case .name(let first) = next() else { throw JinjaError.syntax("expected a name to assign") }
        if acceptSymbol(".") {
            guard case .name(let attribute) = next() else { throw JinjaError.syntax("expected an attribute name") }
            return .attribute(first, attribute)
        }
        guard allowTuple, current == .symbol(",") else { return .name(first) }
        var names: [String] = [first]
        while acceptSymbol(",") {
            guard case .name(let name) = next() else { throw JinjaError.syntax("expected a name in tuple target") }
            names.append(name)
        }
        return .tuple(names)
    }

    /// An expression, or several separated by commas (a tuple, evaluated as a list).
    mutating func parseTupleOrExpression() throws(JinjaError) -> JinjaExpression {
        let first: JinjaExpression = try parseExpression()
        guard current == .symbol(",") else { return first }
        var items: [JinjaExpression] = [first]
        while acceptSymbol(",") {
            if current == .end { break }
            items.append(try parseExpression())
        }
        return .list(items)
    }

    /// Full expression including `a if b else c`.
    mutating func parseExpression() throws(JinjaError) -> JinjaExpression {
        let value: JinjaExpression = try parseOr()
        if acceptName("if") {
            let condition: JinjaExpression = try parseOr()
            var otherwise: JinjaExpression? = nil
            if acceptName("else") { otherwise = try parseExpression() }
            return .conditional(value, condition, otherwise)
        }
        return value
    }

    mutating func parseOr() throws(JinjaError) -> JinjaExpression {
        var left: JinjaExpression = try parseAnd()
        while acceptName("or") { left = .logical("or", left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws(JinjaError) -> JinjaExpression {
        var left: JinjaExpression = try parseNot()
        while acceptName("and") { left = .logical("and", left, try parseNot()) }
        return left
    }

    private mutating func parseNot() throws(JinjaError) -> JinjaExpression {
        if acceptName("not") { return .unary("not", try parseNot()) }
        return try parseCompare()
    }

    private mutating func parseCompare() throws(JinjaError) -> JinjaExpression {
        var left: JinjaExpression = try parseMath1()
        while true {
            var op: String? = nil
            if case .symbol(let symbol) = current, ["==", "!=", "<", ">", "<=", ">="].contains(symbol) {
                index += 1
                op = symbol
            } else if acceptName("in") {
                op = "in"
            } else if current == .name("not"), index + 1 < tokens.count, tokens[index + 1] == .name("in") {
                index += 2
                op = "not in"
            }
            guard let found: String = op else { return left }
            left = .binary(found, left, try parseMath1())
        }
    }

    private mutating func parseMath1() throws(JinjaError) -> JinjaExpression {
        var left: JinjaExpression = try parseConcat()
        while true {
            if acceptSymbol("+") {
                left = .binary("+", left, try parseConcat())
            } else if acceptSymbol("-") {
                left = .binary("-", left, try parseConcat())
            } else {
                return left
            }
        }
    }

    private mutating func parseConcat() throws(JinjaError) -> JinjaExpression {
        var left: JinjaExpression = try parseMath2()
        while acceptSymbol("~") { left = .binary("~", left, try parseMath2()) }
        return left
    }

    private mutating func parseMath2() throws(JinjaError) -> JinjaExpression {
        var left: JinjaExpression = try parsePower()
        while true {
            if case .symbol(let symbol) = current, ["*", "/", "//", "%"].contains(symbol) {
                index += 1
                left = .binary(symbol, left, try parsePower())
            } else {
                return left
            }
        }
    }

    private mutating func parsePower() throws(JinjaError) -> JinjaExpression {
        var left: JinjaExpression = try parseUnary()
        while acceptSymbol("**") { left = .binary("**", left, try parseUnary()) }
        return left
    }

    /// Unary minus/plus bind tighter than filters: `-3 | abs` is `(-3) | abs`, as in Jinja.
    private mutating func parseUnary(withFilters: Bool = true) throws(JinjaError) -> JinjaExpression {
        let node: JinjaExpression
        if acceptSymbol("-") {
            node = .unary("-", try parseUnary(withFilters: false))
        } else if acceptSymbol("+") {
            node = .unary("+", try parseUnary(withFilters: false))
        } else {
            node = try parsePostfix(try parsePrimary())
        }
        return withFilters ? try parseFilters(node) : node
    }

    private mutating func parsePrimary() throws(JinjaError) -> JinjaExpression {
        switch next() {
        case .name(let name):
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(name)
            }
        case .string(let value):
            var text: String = value
            while case .string(let more) = current {
                index += 1
                text += more
            }
            return .literal(.string(text))
        case .integer(let value):
            return .literal(.int(value))
        case .float(let value):
            return .literal(.double(value))
        case .symbol("("):
            if acceptSymbol(")") { return .list([]) }
            let first: JinjaExpression = try parseExpression()
            if acceptSymbol(")") { return first }
            var items: [JinjaExpression] = [first]
            while acceptSymbol(",") {
                if current == .symbol(")") { break }
                items.append(try parseExpression())
            }
            try expectSymbol(")")
            return .list(items)
        case .symbol("["):
            var items: [JinjaExpression] = []
            while !acceptSymbol("]") {
                if !items.isEmpty { try expectSymbol(",") }
                if acceptSymbol("]") { break }
                items.append(try parseExpression())
            }
            return .list(items)
        case .symbol("{"):
            var pairs: [(JinjaExpression, JinjaExpression)] = []
            while !acceptSymbol("}") {
                if !pairs.isEmpty { try expectSymbol(",") }
                if acceptSymbol("}") { break }
                let key: JinjaExpression = try parseExpression()
                try expectSymbol(":")
                pairs.append((key, try parseExpression()))
            }
            return .dict(pairs)
        case let token:
            throw JinjaError.syntax("unexpected \(token)")
        }
    }

    private mutating func parsePostfix(_ base: JinjaExpression) throws(JinjaError) -> JinjaExpression {
        var node: JinjaExpression = base
        while true {
            if acceptSymbol(".") {
                switch next() {
                case .name(let name): node = .attribute(node, name)
                case .integer(let value): node = .item(node, .literal(.int(value)))
                case let token: throw JinjaError.syntax("bad attribute \(token)")
                }
            } else if acceptSymbol("[") {
                node = try parseSubscript(node)
            } else if current == .symbol("(") {
                index += 1
                let (arguments, keywords): ([JinjaExpression], [(String, JinjaExpression)]) = try parseArguments()
                node = .call(node, arguments, keywords)
            } else {
                return node
            }
        }
    }

    private mutating func parseSubscript(_ base: JinjaExpression) throws(JinjaError) -> JinjaExpression {
        var parts: [JinjaExpression?] = [nil]
        var sawColon: Bool = false
        while !acceptSymbol("]") {
            if acceptSymbol(":") {
                sawColon = true
                parts.append(nil)
                continue
            }
            guard parts[parts.count - 1] == nil else { throw JinjaError.syntax("bad subscript") }
            parts[parts.count - 1] = try parseExpression()
        }
        if !sawColon {
            guard let index: JinjaExpression = parts[0] else { throw JinjaError.syntax("empty subscript") }
            return .item(base, index)
        }
        guard parts.count <= 3 else { throw JinjaError.syntax("too many ':' in slice") }
        return .slice(base, parts[0], parts.count > 1 ? parts[1] : nil, parts.count > 2 ? parts[2] : nil)
    }

    /// Call arguments after `(`, through `)`.
    private mutating func parseArguments() throws(JinjaError) -> ([JinjaExpression], [(String, JinjaExpression)]) {
        var arguments: [JinjaExpression] = []
        var keywords: [(String, JinjaExpression)] = []
        while !acceptSymbol(")") {
            if !arguments.isEmpty || !keywords.isEmpty { try expectSymbol(",") }
            if acceptSymbol(")") { break }
            if case .name(let name) = current, index + 1 < tokens.count, tokens[index + 1] == .symbol("=") {
                index += 2
                keywords.append((name, try parseExpression()))
            } else {
                arguments.append(try parseExpression())
            }
        }
        return (arguments, keywords)
    }

    private mutating func parseFilters(_ base: JinjaExpression) throws(JinjaError) -> JinjaExpression {
        var node: JinjaExpression = base
        while true {
            if acceptSymbol("|") {
                guard case .name(var name) = next() else { throw JinjaError.syntax("expected a filter name") }
                while acceptSymbol(".") {
                    guard case .name(let part) = next() else { throw JinjaError.syntax("bad filter name") }
                    name += "." + part
                }
                var arguments: [JinjaExpression] = []
                var keywords: [(String, JinjaExpression)] = []
                if acceptSymbol("(") { (arguments, keywords) = try parseArguments() }
                node = .filter(node, name, arguments, keywords)
            } else if acceptName("is") {
                let negated: Bool = acceptName("not")
                guard case .name(let name) = next() else { throw JinjaError.syntax("expected a test name") }
                var arguments: [JinjaExpression] = []
                if acceptSymbol("(") {
                    (arguments, _) = try parseArguments()
                } else if startsTestArgument() {
                    arguments = [try parsePostfix(try parsePrimary())]
                }
                node = .test(node, name, arguments, negated: negated)
            } else {
                return node
            }
        }
    }

    /// Whether a test like `x is divisibleby 3` has an argument without parentheses.
    private func startsTestArgument() -> Bool {
        switch current {
        case .string, .integer, .float: return true
        case .name(let name): return !["and", "or", "else", "if", "in", "not", "is"].contains(name)
        case .symbol(let symbol): return symbol == "[" || symbol == "{"
        case .end: return false
        }
    }
}
