/// One item of a grammar alternative while it is being built.
enum JSONGrammarItem: Hashable, Sendable {
    /// One byte from the set.
    case bytes(JSONByteSet)
    /// One JSON string character (raw UTF-8 or an escape; see ``JSONStringChar``).
    case char
    /// A reference to another rule.
    case rule(Int)

    /// The items matching `text` byte by byte.
    static func literal(_ text: String) -> [JSONGrammarItem] {
        text.utf8.map { (byte: UInt8) -> JSONGrammarItem in .bytes(JSONByteSet([byte])) }
    }
}

/// Collects rules (each a list of alternatives, each a sequence of items), then flattens them into a
/// ``JSONGrammar``. Rules may refer to each other recursively, but never left-recursively.
struct JSONGrammarBuilder {
    private(set) var rules: [[[JSONGrammarItem]]?] = []

    /// A new rule id, to be defined later (for recursion).
    mutating func reserve() -> Int {
        rules.append(nil)
        return rules.count - 1
    }

    mutating func define(_ rule: Int, _ alternatives: [[JSONGrammarItem]]) {
        rules[rule] = alternatives
    }

    /// A new rule with these alternatives.
    mutating func add(_ alternatives: [[JSONGrammarItem]]) -> Int {
        let rule: Int = reserve()
        define(rule, alternatives)
        return rule
    }

    /// A rule matching `item` between 0 and `count` times.
    mutating func upTo(_ item: JSONGrammarItem, _ count: Int) -> Int {
        var rule: Int = add([[]])
        for _ in 0..<max(count, 0) { rule = add([[], [item, .rule(rule)]]) }
        return rule
    }

    /// `open`, then `min...max` items (unbounded when `max` is nil) separated by `separator`, then `close`.
    mutating func repetition(
        open: [JSONGrammarItem], item: [JSONGrammarItem], separator: [JSONGrammarItem], close: [JSONGrammarItem],
        min: Int, max: Int?
    ) -> Int {
        // rest[k]: k items are done.
        let last: Int = max ?? Swift.max(min, 1)
        var rest: [Int] = []
        for _ in 0...last { rest.append(reserve()) }
        for k: Int in 1...Swift.max(last, 1) where k <= last {
            var alternatives: [[JSONGrammarItem]] = []
            if k >= min { alternatives.append(close) }
            if max == nil || k < max! {
                let next: Int = max == nil && k == last ? k : k + 1
                alternatives.append(separator + item + [.rule(rest[next])])
            }
            define(rest[k], alternatives)
        }
        var first: [[JSONGrammarItem]] = []
        if min == 0 { first.append(close) }
        if last >= 1 && (max ?? 1) >= 1 { first.append(item + [.rule(rest[1])]) }
        define(rest[0], first.map { open + $0 })
        return rest[0]
    }

    /// Flattens the rules, computes shortest completions, and checks that `root` has a finite instance.
    func build(root: Int) throws(JSONSchemaError) -> JSONGrammar {
        var kinds: [UInt8] = []
        var args: [UInt32] = []
        var altStarts: [UInt32] = []
        var ruleAlts: [Int32] = [0]
        var classes: [UInt64] = []
        var classIndex: [JSONByteSet: UInt32] = [:]
        for alternatives: [[JSONGrammarItem]]? in rules {
            for alternative: [JSONGrammarItem] in alternatives ?? [] {
                altStarts.append(UInt32(kinds.count))
                for item: JSONGrammarItem in alternative {
                    switch item {
                    case .bytes(let set):
                        let index: UInt32
                        if let known: UInt32 = classIndex[set] {
                            index = known
                        } else {
                            index = UInt32(classes.count / 4)
                            classIndex[set] = index
                            classes += set.array
                        }
                        kinds.append(JSONGrammar.Kind.bytes)
                        args.append(index)
                    case .char:
                        kinds.append(JSONGrammar.Kind.char)
                        args.append(0)
                    case .rule(let rule):
                        kinds.append(JSONGrammar.Kind.rule)
                        args.append(UInt32(rule))
                    }
                }
                kinds.append(JSONGrammar.Kind.end)
                args.append(0)
            }
            ruleAlts.append(Int32(altStarts.count))
        }
        let grammar: JSONGrammar = JSONGrammar(
            kinds: kinds, args: args, classes: classes, ruleAlts: ruleAlts, altStarts: altStarts, root: root)
        guard grammar.ruleMin[root] < JSONGrammar.infinity else {
            throw JSONSchemaError.unsatisfiable(path: "", reason: "every instance would be infinitely deep")
        }
        return grammar
    }
}
