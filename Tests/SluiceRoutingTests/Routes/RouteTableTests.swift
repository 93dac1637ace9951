import Testing

@testable import SluiceRouting

/// A predictor with a fixed verdict (or none, as when no classifier file is loaded yet).
struct FixedPredictor: StrongNeedPredictor {
    var need: StrongNeed?
    func assess(_ features: RequestFeatures) -> StrongNeed? { need }
}

@Suite struct RouteTableTests {
    static let models: Set<String> = ["claude", "qwen-max", "qwen-turbo", "deepseek", "local"]

    static func auto(predictor: any StrongNeedPredictor = FixedPredictor(need: nil)) -> RouteSpec {
        RouteSpec(
            name: "auto",
            rules: [
                RouteRule(
                    name: "free-long-chat",
                    conditions: [.tier(["free"]), .number(.conversationTokens, 8_000...Double.infinity)],
                    target: "qwen-turbo"),
                RouteRule(name: "tools", conditions: [.flag(.tools, true)], target: "deepseek"),
                RouteRule(name: "team-a", conditions: [.tags(["team:a"])], target: "claude"),
            ],
            discriminator: DiscriminatorStep(predictor: predictor, strong: "claude", weak: "qwen-max"),
            defaultModel: "qwen-max", fallbacks: ["deepseek", "qwen-max", "local"])
    }

    @Test func firstMatchingRuleWins() throws {
        let table = try RouteTable(routes: [Self.auto()], models: Self.models)
        let free = Caller(tier: "free")
        let long = RequestFeatures(conversationTokens: 9_000, hasTools: true)
        let decision = try #require(table.decide("auto", caller: free, features: long))
        #expect(decision.primary == "qwen-turbo")
        #expect(decision.reason == "rule:free-long-chat")
        #expect(decision.chain == ["qwen-turbo", "deepseek", "qwen-max", "local"])
        // A paid caller with the same long chat skips the free rule and matches on tools.
        let paid = try #require(table.decide("auto", caller: Caller(tier: "paid"), features: long))
        #expect(paid.primary == "deepseek")
        #expect(paid.reason == "rule:tools")
        #expect(paid.chain == ["deepseek", "qwen-max", "local"])
        // Tags must all be present.
        let tagged = try #require(
            table.decide("auto", caller: Caller(tier: "paid", tags: ["team:a", "x"]), features: RequestFeatures()))
        #expect(tagged.reason == "rule:team-a")
    }

    @Test func discriminatorDecidesWhenNoRuleMatches() throws {
        let strong = try RouteTable(
            routes: [Self.auto(predictor: FixedPredictor(need: StrongNeed(probability: 0.82, threshold: 0.41)))],
            models: Self.models)
        let decision = try #require(strong.decide("auto", caller: Caller(), features: RequestFeatures()))
        #expect(decision.primary == "claude")
        #expect(decision.reason == "discriminator:strong p=0.820>0.410")
        let weak = try RouteTable(
            routes: [Self.auto(predictor: FixedPredictor(need: StrongNeed(probability: 0.41, threshold: 0.41)))],
            models: Self.models)
        let weakDecision = try #require(weak.decide("auto", caller: Caller(), features: RequestFeatures()))
        #expect(weakDecision.primary == "qwen-max")
        #expect(weakDecision.reason == "discriminator:weak p=0.410<=0.410")
        // Without a loaded classifier, the default answers.
        let unloaded = try RouteTable(routes: [Self.auto()], models: Self.models)
        #expect(unloaded.decide("auto", caller: Caller(), features: RequestFeatures())?.reason == "default")
    }

    @Test func modelsByNameUseTheirOwnFallbacks() throws {
        let table = try RouteTable(
            routes: [Self.auto()], models: Self.models, modelFallbacks: ["claude": ["qwen-max", "claude"]])
        #expect(table.decide("claude", caller: Caller(), features: RequestFeatures())
            == RouteDecision(route: nil, chain: ["claude", "qwen-max"], reason: "requested"))
        #expect(table.decide("local", caller: Caller(), features: RequestFeatures())?.chain == ["local"])
        #expect(table.decide("nope", caller: Caller(), features: RequestFeatures()) == nil)
        #expect(table.isRoute("auto") && !table.isRoute("claude"))
    }

    @Test func refusesBadTables() {
        #expect(throws: RoutingError.nameClash("local")) {
            try RouteTable(routes: [RouteSpec(name: "local", defaultModel: "claude")], models: Self.models)
        }
        #expect(throws: RoutingError.unknownModel("gpt-9", route: "auto")) {
            try RouteTable(routes: [RouteSpec(name: "auto", defaultModel: "gpt-9")], models: Self.models)
        }
        #expect(throws: RoutingError.duplicateRoute("a")) {
            try RouteTable(
                routes: [RouteSpec(name: "a", defaultModel: "local"), RouteSpec(name: "a", defaultModel: "local")],
                models: Self.models)
        }
        #expect(throws: RoutingError.unknownModel("gone", route: "claude")) {
            try RouteTable(routes: [], models: Self.models, modelFallbacks: ["claude": ["gone"]])
        }
    }

    @Test func conditionsOnEveryFeature() {
        let features = RequestFeatures(
            promptTokens: 120, conversationTokens: 100, lastUserTokens: 20, turns: 3, messageCount: 6,
            hasTools: false, wantsJSON: true, hasImages: true, wantsReasoning: false, cjkShare: 0.6)
        let caller = Caller(keyID: "key_1", owner: "team-x", tier: "paid", tags: ["app:chat"])
        #expect(RuleCondition.key(["key_1"]).matches(caller, features))
        #expect(!RuleCondition.key(["key_1"]).matches(Caller(), features))
        #expect(RuleCondition.owner(["team-x"]).matches(caller, features))
        #expect(RuleCondition.number(.turns, 3...3).matches(caller, features))
        #expect(!RuleCondition.number(.promptTokens, 0...119).matches(caller, features))
        #expect(RuleCondition.number(.lastMessageTokens, 20...20).matches(caller, features))
        #expect(RuleCondition.number(.messages, 6...6).matches(caller, features))
        #expect(RuleCondition.number(.cjkShare, 0.5...1).matches(caller, features))
        #expect(RuleCondition.flag(.json, true).matches(caller, features))
        #expect(RuleCondition.flag(.images, true).matches(caller, features))
        #expect(RuleCondition.flag(.reasoning, false).matches(caller, features))
        #expect(RouteRule(name: "any", conditions: [], target: "local").matches(caller, features))
    }
}
