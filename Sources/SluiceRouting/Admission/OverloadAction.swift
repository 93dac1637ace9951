/// What the gateway does with a tier's request that an ``AdmissionGate`` turns away at a peak.
///
/// The gate does not act on it: it hands the tier's action back in every ``AdmissionRejection`` so the
/// gateway can answer in one place.
public enum OverloadAction: Sendable, Hashable {
    /// Answer HTTP 429 with a `Retry-After` header.
    case shed
    /// Try the named (cheaper) route instead, and say so in the response header; answer 429 only if that
    /// route turns the request away too.
    case downgrade(route: String)

    /// The route to try instead, for ``downgrade(route:)``.
    public var downgradeRoute: String? {
        if case .downgrade(let route) = self { route } else { nil }
    }
}
