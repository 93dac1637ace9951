/// A named rule of a route: when all its conditions hold, the request goes to `target`.
public struct RouteRule: Sendable, Hashable {
    /// The name shown in the decision's reason (`rule:free-long-chat`).
    public var name: String
    /// All must hold. An empty list always matches.
    public var conditions: [RuleCondition]
    /// The model to use.
    public var target: String

    public init(name: String, conditions: [RuleCondition], target: String) {
        self.name = name
        self.conditions = conditions
        self.target = target
    }

    /// Whether every condition holds.
    public func matches(_ caller: Caller, _ features: RequestFeatures) -> Bool {
        for condition in conditions where !condition.matches(caller, features) { return false }
        return true
    }
}
