/// Executes parsed templates: scopes, control flow, operators, attribute access and calls.
///
/// Scoping follows Jinja: a `for` loop's body has its own scope (assignments do not leak out; use
/// `namespace()` for that), `if` blocks share the enclosing scope.
final class JinjaRenderer {
    private enum Flow {
        case normal, breakLoop, continueLoop
    }

    private var scopes: [[String: JinjaValue]]
    private var output: String = ""

    init(globals: [String: JinjaValue]) {
        var base: [String: JinjaValue] = JinjaGlobals.functions
        for (key, value): (String, JinjaValue) in globals { base[key] = value }
        scopes = [base, [:]]
    }

    /// Renders `nodes` and returns the text produced.
    func render(_ nodes: [JinjaNode]) throws(JinjaError) -> String {
        output = ""
        _ = try execute(nodes)
        return output
    }

    // MARK: - Statements

    private func execute(_ nodes: [JinjaNode]) throws(JinjaError) -> Flow {
        for node: JinjaNode in nodes {
            let flow: Flow = try execute(node)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    private func execute(_ node: JinjaNode) throws(JinjaError) -> Flow {
        switch node {
        case .text(let text):
            output += text
        case .output(let expression):
            output += try evaluate(expression).text
        case .ifChain(let branches, let otherwise):
            for (condition, body): (JinjaExpression, [JinjaNode]) in branches where try evaluate(condition).isTruthy {
                return try execute(body)
            }
            return try execute(otherwise)
        case .forLoop(let target, let iterable, let condition, let body, let otherwise):
            return try executeFor(target: target, iterable: iterable, condition: condition, body: body, otherwise: otherwise)
        case .set(let target, let expression):
            try assign(target, try evaluate(expression))
        case .setBlock(let name, let body):
            let saved: String = output
            output = ""
            _ = try execute(body)
            let captured: String = output
            output = saved
            scopes[scopes.count - 1][name] = .string(captured)
        case .macro(let name, let parameters, let body):
            scopes[scopes.count - 1][name] = .callable(makeMacro(name: name, parameters: parameters, body: body))
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        }
        return .normal
    }

    private func executeFor(
        target: JinjaTarget, iterable: JinjaExpression, condition: JinjaExpression?, body: [JinjaNode],
        otherwise: [JinjaNode]
    ) throws(JinjaError) -> Flow {
        let source: JinjaValue = try evaluate(iterable)
        if source.isNone { throw JinjaError.runtime("'NoneType' object is not iterable") }
        var items: [JinjaValue] = try source.iterate()
        scopes.append([:])
        defer { scopes.removeLast() }
        if let condition: JinjaExpression = condition {
            var kept: [JinjaValue] = []
            for item: JinjaValue in items {
                try bindLoopTarget(target, item)
                if try evaluate(condition).isTruthy { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty { return try execute(otherwise) }
        let count: Int = items.count
        for (index, item): (Int, JinjaValue) in items.enumerated() {
            try bindLoopTarget(target, item)
            var loop: JinjaDict = JinjaDict()
            loop["index"] = .int(index + 1)
            loop["index0"] = .int(index)
            loop["revindex"] = .int(count - index)
            loop["revindex0"] = .int(count - index - 1)
            loop["first"] = .bool(index == 0)
            loop["last"] = .bool(index == count - 1)
            loop["length"] = .int(count)
            loop["previtem"] = index > 0 ? items[index - 1] : .undefined
            loop["nextitem"] = index + 1 < count ? items[index + 1] : .undefined
            loop["cycle"] = .callable(JinjaCallable(name: "cycle") { (arguments: [JinjaValue], _: [(String, JinjaValue)], _: JinjaRenderer) throws(JinjaError) -> JinjaValue in
                arguments.isEmpty ? .undefined : arguments[index % arguments.count]
            })
            scopes[scopes.count - 1]["loop"] = .object(loop)
            let flow: Flow = try execute(body)
            if case .breakLoop = flow { break }
        }
        return .normal
    }

    private func bindLoopTarget(_ target: JinjaTarget, _ item: JinjaValue) throws(JinjaError) {
        switch target {
        case .name(let name):
            scopes[scopes.count - 1][name] = item
        case .tuple(let names):
            let parts: [JinjaValue] = try item.iterate()
            guard parts.count == names.count else {
                throw JinjaError.runtime("cannot unpack \(parts.count) values into \(names.count) names")
            }
            for (name, part): (String, JinjaValue) in zip(names, parts) { scopes[scopes.count - 1][name] = part }
        case .attribute:
            throw JinjaError.runtime("a loop variable cannot be an attribute")
        }
    }

    private func assign(_ target: JinjaTarget, _ value: JinjaValue) throws(JinjaError) {
        switch target {
        case .name(let name):
            scopes[scopes.count - 1][name] = value
        case .tuple(let names):
            let parts: [JinjaValue] = try value.iterate()
            guard parts.count == names.count else {
                throw JinjaError.runtime("cannot unpack \(parts.count) values into \(names.count) names")
            }
            for (name, part): (String, JinjaValue) in zip(names, parts) { scopes[scopes.count - 1][name] = part }
        case .attribute(let name, let attribute):
            guard case .namespace(let namespace) = lookup(name) else {
                throw JinjaError.runtime("cannot assign attribute '\(attribute)' on '\(name)': not a namespace")
            }
            namespace.values[attribute] = value
        }
    }

    private func lookup(_ name: String) -> JinjaValue {
        for scope: [String: JinjaValue] in scopes.reversed() {
            if let value: JinjaValue = scope[name] { return value }
        }
        return .undefined
    }

    private func makeMacro(name: String, parameters: [(String, JinjaExpression?)], body: [JinjaNode]) -> JinjaCallable {
        JinjaCallable(name: name) { (arguments: [JinjaValue], keywords: [(String, JinjaValue)], renderer: JinjaRenderer) throws(JinjaError) -> JinjaValue in
            var scope: [String: JinjaValue] = [:]
            for (index, parameter): (Int, (String, JinjaExpression?)) in parameters.enumerated() {
                if index < arguments.count {
                    scope[parameter.0] = arguments[index]
                } else if let keyword: (String, JinjaValue) = keywords.first(where: { (pair: (String, JinjaValue)) -> Bool in pair.0 == parameter.0 }) {
                    scope[parameter.0] = keyword.1
                } else if let defaultValue: JinjaExpression = parameter.1 {
                    scope[parameter.0] = try renderer.evaluate(defaultValue)
                } else {
                    scope[parameter.0] = .undefined
                }
            }
            let savedOutput: String = renderer.output
            renderer.output = ""
            renderer.scopes.append(scope)
            defer {
                renderer.scopes.removeLast()
            }
            _ = try renderer.execute(body)
            let result: String = renderer.output
            renderer.output = savedOutput
            return .string(result)
        }
    }

    // MARK: - Expressions

    func evaluate(_ expression: JinjaExpression) throws(JinjaError) -> JinjaValue {
        switch expression {
        case .literal(let literal):
            return JinjaValue(literal)
        case .name(let name):
            return lookup(name)
        case .list(let items):
            var values: [JinjaValue] = []
            values.reserveCapacity(items.count)
            for item: JinjaExpression in items { values.append(try evaluate(item)) }
            return .array(values)
        case .dict(let pairs):
            var dict: JinjaDict = JinjaDict()
            for (key, value): (JinjaExpression, JinjaExpression) in pairs { dict[try evaluate(key).text] = try evaluate(value) }
            return .object(dict)
        case .attribute(let base, let name):
            return JinjaMethods.attribute(try evaluate(base), name)
        case .item(let base, let index):
            return try JinjaMethods.item(try evaluate(base), try evaluate(index))
        case .slice(let base, let start, let stop, let step):
            return try JinjaMethods.slice(
                try evaluate(base), start: try start.map(evaluate), stop: try stop.map(evaluate), step: try step.map(evaluate))
        case .call(let callee, let argumentExpressions, let keywordExpressions):
            let function: JinjaValue = try evaluate(callee)
            guard case .callable(let callable) = function else {
                throw JinjaError.runtime("'\(function.typeName)' object is not callable")
            }
            var arguments: [JinjaValue] = []
            for argument: JinjaExpression in argumentExpressions { arguments.append(try evaluate(argument)) }
            var keywords: [(String, JinjaValue)] = []
            for (name, value): (String, JinjaExpression) in keywordExpressions { keywords.append((name, try evaluate(value))) }
            return try callable.body(arguments, keywords, self)
        case .filter(let base, let name, let argumentExpressions, let keywordExpressions):
            let value: JinjaValue = try evaluate(base)
            var arguments: [JinjaValue] = []
            for argument: JinjaExpression in argumentExpressions { arguments.append(try evaluate(argument)) }
            var keywords: [(String, JinjaValue)] = []
            for (key, keyValue): (String, JinjaExpression) in keywordExpressions { keywords.append((key, try evaluate(keyValue))) }
            return try JinjaFilters.apply(name, to: value, arguments: arguments, keywords: keywords, renderer: self)
        case .test(let base, let name, let argumentExpressions, let negated):
            let value: JinjaValue = try evaluate(base)
            var arguments: [JinjaValue] = []
            for argument: JinjaExpression in argumentExpressions { arguments.append(try evaluate(argument)) }
            let result: Bool = try JinjaPredicates.apply(name, to: value, arguments: arguments)
            return .bool(negated ? !result : result)
        case .unary(let op, let operand):
            let value: JinjaValue = try evaluate(operand)
            switch op {
            case "not": return .bool(!value.isTruthy)
            case "-":
                if case .int(let number) = value { return .int(-number) }
                if case .double(let number) = value { return .double(-number) }
                throw JinjaError.runtime("bad operand type for unary -: '\(value.typeName)'")
            default:
                return value
            }
        case .logical(let op, let left, let right):
            let first: JinjaValue = try evaluate(left)
            if op == "and" { return first.isTruthy ? try evaluate(right) : first }
            return first.isTruthy ? first : try evaluate(right)
        case .conditional(let value, let condition, let otherwise):
            if try evaluate(condition).isTruthy { return try evaluate(value) }
            return try otherwise.map(evaluate) ?? .undefined
        case .binary(let op, let left, let right):
            return try JinjaOperators.apply(op, try evaluate(left), try evaluate(right))
        }
    }
}
