import Foundation
import SluiceAPI
import SluiceGateway
import SluiceRouting

/// Part 1 of `sluice-bench routing`: how long one routing decision takes, in process.
///
/// It trains a discriminator on a ``SluiceRouting/SyntheticRoutingSet`` and saves it (the overhead
/// runs load the same file), builds the route table from ``RoutingRuleSet``'s YAML with the gateway's
/// own config reader, and times each kind of decision call by call, from the request's features on.
struct RoutingDecisionBench: Sendable {
    /// Timed calls per row.
    let decisions: Int
    /// Synthetic examples the discriminator is trained on.
    let trainingExamples: Int
    /// Where the model file is written.
    let modelPath: String

    /// The trained model, as the report describes it.
    struct ModelFacts: Sendable {
        var examples: Int
        var trainingSeconds: Double
        var auc: Double?
        var threshold: Double
        var nonzeroWeights: Int
        var fileBytes: Int
    }

    /// Everything part 1 measured.
    struct Figures: Sendable {
        var model: ModelFacts
        /// The empty call first (the clock's own cost), then the decisions.
        var timings: [RoutingStopwatch.Timing]
        /// Which rows are the discriminator alone (the rows the 50 µs goal is about).
        var discriminatorRows: Set<String>
    }

    func run() throws -> Figures {
        let model = try trainModel()
        let table = try Self.routeTable(modelPath: modelPath)
        let discriminator = try DiscriminatorFile.load(path: modelPath)
        let paid = Caller(tier: "paid")
        let chat = RoutingSamples.threeTurnChat(model: "auto")
        let chatSmart = RoutingSamples.threeTurnChat(model: "smart")
        let short = RoutingSamples.shortQuestion(model: "smart")
        let long = RoutingSamples.longQuestion(model: "smart")
        let stopwatch = RoutingStopwatch(iterations: decisions, warmup: min(decisions, 10_000))

        var timings: [RoutingStopwatch.Timing] = []
        func time(_ name: String, _ body: () -> String) {
            Self.progress("decision time: \(name)")
            timings.append(stopwatch.measure(name, body))
        }
        time(Row.empty) { "-" }
        time(Row.features) { RequestFeatures(chat).turns == 3 ? "3 turns" : "other" }
        time(Row.rules) { table.decide("auto", caller: paid, features: RequestFeatures(chat))?.primary ?? "none" }
        time(Row.discriminatorShort) { Self.label(discriminator.decide(RequestFeatures(short))) }
        time(Row.discriminatorLong) { Self.label(discriminator.decide(RequestFeatures(long))) }
        time(Row.fullChat) { table.decide("smart", caller: paid, features: RequestFeatures(chatSmart))?.primary ?? "none" }
        time(Row.fullLong) { table.decide("smart", caller: paid, features: RequestFeatures(long))?.primary ?? "none" }
        return Figures(model: model, timings: timings, discriminatorRows: [Row.discriminatorShort, Row.discriminatorLong])
    }

    /// The rows' names.
    enum Row {
        static let empty = "empty call (the clock's own cost)"
        static let features = "RequestFeatures only, 3-turn chat"
        static let rules = "rules: features + 6 rules (none match) → default, 3-turn chat"
        static let discriminatorShort = "discriminator: features + decide, 200-char question"
        static let discriminatorLong = "discriminator: features + decide, 2,000-char question"
        static let fullChat = "route: features + 6 rules + discriminator, 3-turn chat"
        static let fullLong = "route: features + 6 rules + discriminator, 2,000-char question"
    }

    private static func label(_ decision: DiscriminatorDecision) -> String {
        decision.strong ? "strong" : "weak"
    }

    /// Trains on synthetic examples (30% to the strong model) and saves the model to ``modelPath``.
    func trainModel() throws -> ModelFacts {
        Self.progress("decision time: training a discriminator on \(trainingExamples) synthetic examples")
        let examples = SyntheticRoutingSet(seed: 7).examples(count: trainingExamples)
        let clock = ContinuousClock()
        let start = clock.now
        let model = try DiscriminatorTrainer().train(examples, target: .strongShare(0.3))
        let seconds = Double(RoutingStopwatch.nanoseconds(clock.now - start)) / 1e9
        try DiscriminatorFile.save(model, to: modelPath)
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: modelPath))?[.size] as? Int) ?? 0
        return ModelFacts(
            examples: examples.count, trainingSeconds: seconds, auc: model.calibration.auc, threshold: model.threshold,
            nonzeroWeights: model.nonzeroWeights, fileBytes: bytes)
    }

    /// The routes `auto` (six rules) and `smart` (six rules and the discriminator at `modelPath`), read
    /// from YAML by the gateway's config reader and assembled as the gateway does, the classifier
    /// behind the same reloading holder.
    static func routeTable(modelPath: String) throws -> RouteTable {
        let yaml = RoutingRuleSet.overheadConfig(
            upstreamPort: 9, routes: [RoutingRuleSet.route(name: "auto"), RoutingRuleSet.route(name: "smart", discriminator: modelPath)])
        let config = try GatewayConfig.parse(yaml: yaml, source: "routing bench", environment: ["MOCK_KEY": "unused"])
        var routes: [RouteSpec] = []
        for route in config.routing.routes {
            var step: DiscriminatorStep?
            if let spec = route.discriminator {
                let holder = ReloadingDiscriminator(path: spec.path)
                try holder.reloadIfChanged()
                step = DiscriminatorStep(predictor: holder, strong: spec.strong, weak: spec.weak)
            }
            routes.append(RouteSpec(
                name: route.name, rules: route.rules, discriminator: step, defaultModel: route.defaultModel,
                fallbacks: route.fallbacks))
        }
        return try RouteTable(routes: routes, models: Set(config.models.map(\.name)))
    }

    private static func progress(_ line: String) {
        var standardError = StandardError()
        print("• \(line)", to: &standardError)
    }
}
