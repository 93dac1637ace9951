/// What the discriminator's threshold is calibrated to: how often the strong model may be called.
///
/// As in RouteLLM, the threshold is the probability above which the wanted share of the
/// calibration set's requests goes to the strong model.
public enum CostTarget: Sendable, Hashable {
    /// Send this share (0...1) of requests to the strong model.
    case strongShare(Double)
    /// Spend at most `budget` per 1,000 requests, where a request costs `strongCost` on the strong model
    /// and `weakCost` on the weak one (all in one currency, such as USD). The share of strong calls is
    /// `(budget / 1000 − weakCost) / (strongCost − weakCost)`, clamped to 0...1.
    case budgetPer1k(budget: Double, strongCost: Double, weakCost: Double)

    /// The share of requests the strong model may take, 0...1.
    public var share: Double {
        switch self {
        case .strongShare(let share):
            return share.isNaN ? 0 : min(max(share, 0), 1)
        case .budgetPer1k(let budget, let strongCost, let weakCost):
            let perRequest = budget / 1000
            guard strongCost > weakCost else { return perRequest >= strongCost ? 1 : 0 }
            let share = (perRequest - weakCost) / (strongCost - weakCost)
            return share.isNaN ? 0 : min(max(share, 0), 1)
        }
    }

    /// Why the target cannot be used, or nil when it can: shares must be in 0...1, costs and budgets
    /// finite and not negative, and the strong model dearer than the weak one.
    public var problem: String? {
        switch self {
        case .strongShare(let share):
            return share.isFinite && (0...1).contains(share) ? nil : "the strong share must be between 0 and 1, got \(share)"
        case .budgetPer1k(let budget, let strongCost, let weakCost):
            for (name, value) in [("budget", budget), ("strong cost", strongCost), ("weak cost", weakCost)]
            where !value.isFinite || value < 0 {
                return "the \(name) must be a number of at least 0, got \(value)"
            }
            return strongCost > weakCost
                ? nil : "the strong model's cost per request (\(strongCost)) must exceed the weak model's (\(weakCost))"
        }
    }
}

extension CostTarget: CustomStringConvertible {
    public var description: String {
        switch self {
        case .strongShare(let share):
            return "strong share \(share)"
        case .budgetPer1k(let budget, let strongCost, let weakCost):
            return "budget \(budget) per 1k requests (strong \(strongCost), weak \(weakCost) per request)"
        }
    }
}

extension CostTarget: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, share, budget
        case strongCost = "strong_cost"
        case weakCost = "weak_cost"
    }

    /// `{"kind":"strong_share","share":0.3}` or
    /// `{"kind":"budget_per_1k","budget":5,"strong_cost":0.01,"weak_cost":0.001}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case "strong_share":
            self = .strongShare(try container.decode(Double.self, forKey: .share))
        case "budget_per_1k":
            self = .budgetPer1k(
                budget: try container.decode(Double.self, forKey: .budget),
                strongCost: try container.decode(Double.self, forKey: .strongCost),
                weakCost: try container.decode(Double.self, forKey: .weakCost))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "unknown cost target '\(kind)' (strong_share or budget_per_1k)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .strongShare(let share):
            try container.encode("strong_share", forKey: .kind)
            try container.encode(share, forKey: .share)
        case .budgetPer1k(let budget, let strongCost, let weakCost):
            try container.encode("budget_per_1k", forKey: .kind)
            try container.encode(budget, forKey: .budget)
            try container.encode(strongCost, forKey: .strongCost)
            try container.encode(weakCost, forKey: .weakCost)
        }
    }
}
