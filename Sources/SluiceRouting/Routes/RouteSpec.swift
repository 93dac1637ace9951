/// A route: a name clients ask for (such as `auto`) that Sluice turns into a model per request.
///
/// Rules are tried in order and the first that matches picks the model. Without a match, the
/// discriminator (when configured and loaded) picks the strong or the weak model. Otherwise the
/// default model answers. The chosen model is then followed by the route's fallback chain.
public struct RouteSpec: Sendable {
    public var name: String
    public var rules: [RouteRule]
    /// The trained classifier step, when configured.
    public var discriminator: DiscriminatorStep?
    /// The model used when no rule matched and no discriminator decided.
    public var defaultModel: String
    /// Models tried in order after the chosen one fails (the chosen model is skipped if listed).
    public var fallbacks: [String]

    public init(
        name: String, rules: [RouteRule] = [], discriminator: DiscriminatorStep? = nil, defaultModel: String,
        fallbacks: [String] = []
    ) {
        self.name = name
        self.rules = rules
        self.discriminator = discriminator
        self.defaultModel = defaultModel
        self.fallbacks = fallbacks
    }

    /// Every model the route can name.
    public var models: [String] {
        var names = rules.map(\.target) + [defaultModel] + fallbacks
        if let discriminator { names += [discriminator.strong, discriminator.weak] }
        return names
    }
}

/// The discriminator step of a route: a classifier says whether the strong model is needed.
public struct DiscriminatorStep: Sendable {
    /// Predicts the need for the strong model; it may have no model loaded yet (then the step is skipped).
    public var predictor: any StrongNeedPredictor
    public var strong: String
    public var weak: String

    public init(predictor: any StrongNeedPredictor, strong: String, weak: String) {
        self.predictor = predictor
        self.strong = strong
        self.weak = weak
    }
}

/// Something that estimates how likely a request needs the strong model.
public protocol StrongNeedPredictor: Sendable {
    /// The estimate, or nil when no classifier is loaded.
    func assess(_ features: RequestFeatures) -> StrongNeed?
}

/// A classifier's verdict on one request.
public struct StrongNeed: Sendable, Hashable {
    /// The probability that the strong model's answer is needed.
    public var probability: Double
    /// The calibrated threshold above which the strong model is used.
    public var threshold: Double

    public init(probability: Double, threshold: Double) {
        self.probability = probability
        self.threshold = threshold
    }

    public var needsStrong: Bool { probability > threshold }
}
