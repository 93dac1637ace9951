import Hummingbird
import SluiceAPI
import SluiceLedger
import SluiceRouting

/// One request's routing: who asked, the decision, and what happened while carrying it out.
struct RoutePlan: Sendable {
    var decision: RouteDecision
    let caller: Caller
    /// The model that answered (the decision's first model until the dispatcher says otherwise).
    private(set) var answeredBy: String
    /// The decision's reason followed by what happened on the way, `; `-separated.
    private(set) var reason: String
    /// The model the request was taken from at overload, when it was downgraded.
    private(set) var downgradedFrom: String?

    init(decision: RouteDecision, caller: Caller) {
        self.decision = decision
        self.caller = caller
        self.answeredBy = decision.primary
        self.reason = decision.reason
    }

    /// Notes the model that answered and the dispatcher's notes (fallbacks, skipped models).
    mutating func settle(_ model: String, notes: [String]) {
        answeredBy = model
        if !notes.isEmpty { reason += "; " + notes.joined(separator: "; ") }
    }

    /// Switches to the tier's downgrade route after the first model's gate refused the request.
    mutating func downgrade(to alternative: RouteDecision, because rejection: AdmissionRejection) {
        downgradedFrom = decision.primary
        reason += "; downgraded:\(alternative.route ?? alternative.primary)(\(decision.primary) \(rejection.reason.rawValue)); \(alternative.reason)"
        decision = RouteDecision(route: decision.route, chain: alternative.chain, reason: decision.reason)
        answeredBy = alternative.primary
    }

    /// The caller as routing sees it: the key's tier and owner, and tags from the request's
    /// `sluice.tags` and `metadata`. Without a key, `x-sluice-tier` is believed only when configured.
    static func caller(key: VirtualKey?, chat: ChatRequest, request: Request, trustTierHeader: Bool) -> Caller {
        var tags: Set<String> = []
        if case .array(let values)? = chat.sluice?["tags"] {
            for case .string(let tag) in values { tags.insert(tag) }
        }
        if case .object(let metadata)? = chat.metadata {
            for (name, value) in metadata {
                if case .string(let text) = value { tags.insert("\(name):\(text)") }
            }
        }
        var tier = key?.tier ?? "default"
        if key == nil, trustTierHeader, let claimed = request.headers[.sluiceTier], !claimed.isEmpty {
            tier = claimed
        }
        return Caller(keyID: key?.id, owner: key?.owner, tier: tier, tags: tags)
    }
}
