import SluiceAPI

extension SyntheticRoutingSet {
    /// The templates and slot values of one language. Slots are filled from left to right, drawing from
    /// the seeded generator, so that a seed always gives the same text.
    struct Phrases: Sendable {
        /// Chit-chat and simple facts.
        let easy: [String]
        /// Easy questions that mention maths or code without needing the strong model.
        let distractors: [String]
        /// Questions holding a hard word.
        let hard: [String]
        /// Questions holding a fenced code block.
        let code: [String]
        /// Assistant turns of the history.
        let replies: [String]
        let prefixes: [String]
        let suffixes: [String]
        /// `{slot}` → values.
        let slots: [(key: String, values: [String])]

        /// A last user message: 58% easy, 12% distractor, 18% hard, 12% code; fillers around some.
        func question(_ random: inout SplitMix64) -> String {
            let roll = random.unit()
            let pool = roll < 0.58 ? easy : roll < 0.70 ? distractors : roll < 0.88 ? hard : code
            var text = fill(random.pick(pool), &random)
            if random.chance(0.4) { text = fill(random.pick(prefixes), &random) + text }
            if random.chance(0.4) { text += fill(random.pick(suffixes), &random) }
            return text
        }

        /// The template with every `{slot}` filled (slot values may hold slots of their own). Braces
        /// that do not name a slot, as in code snippets, are kept.
        func fill(_ template: String, _ random: inout SplitMix64) -> String {
            var output = ""
            var rest = template[...]
            while let open = rest.utf8.firstIndex(of: UInt8(ascii: "{")),
                let close = rest.utf8[open...].firstIndex(of: UInt8(ascii: "}"))
            {
                output += rest[..<open]
                let key = rest[open...close]
                if let value = value(of: key, &random) { output += fill(value, &random) } else { output += key }
                rest = rest[rest.index(after: close)...]
            }
            output += rest
            return output
        }

        /// A value for a slot, or nil when `key` names none.
        private func value(of key: Substring, _ random: inout SplitMix64) -> String? {
            switch key {
            case "{n}", "{m}": return String(2 + random.below(98))
            case "{big}": return String(1_000 * (1 + random.below(999)))
            case "{day}": return String(1 + random.below(28))
            case "{p}": return random.pick(["2", "3", "5", "7", "11", "13", "17"])
            default: return slots.first { $0.key == key }.map { random.pick($0.values) }
            }
        }

        static let englishHardWords: Set<String> = [
            "prove", "proof", "derive", "optimize", "asymptotic", "complexity", "theorem", "lemma", "integral",
            "refactor", "concurrency", "linearizable", "eigenvalues",
        ]
        static let chineseHardWords = ["证明", "推导", "优化", "复杂度", "定理", "引理", "积分", "并发", "特征值"]

        static let systemPrompts = [
            "You are a helpful assistant.", "You are a friendly support agent for an online store.",
            "Answer concisely.", "你是一个乐于助人的助手。", "You are a demo bot. Be kind and brief.",
            "请用简洁的语言回答用户的问题。",
        ]

        static let weatherTool = Tool(function: FunctionDefinition(
            name: "get_weather", description: "Look up the current weather in a city",
            parameters: .object(["type": .string("object"), "properties": .object(["city": .object(["type": .string("string")])])])))

        static let snippets = [
            "let xs = [1, 2, 3]\nprint(xs[{n}])",
            "def f(n):\n    return f(n - 1) * n",
            "for (int i = 0; i <= n; i++) { sum += a[i]; }",
            "fn main() { let v: Vec<i32> = Vec::new(); println!(\"{}\", v[0]); }",
            "SELECT name FROM users WHERE id = {n} GROUP BY email;",
            "const total = items.reduce((a, b) => a + b.price);",
            "while True:\n    x = queue.pop()\n    if x == {n}: break",
            "var cache = [String: Int]()\ncache[key]! += 1",
        ]
    }
}
