/// Who is asking: what the gateway knows of the caller before routing.
public struct Caller: Sendable, Hashable {
    /// The virtual key's id, when the request carried one.
    public var keyID: String?
    /// The key's owner (a user or a team).
    public var owner: String?
    /// The caller's tier, such as `free` or `paid` (`default` when nothing says otherwise).
    public var tier: String
    /// Free-form labels: the request's `sluice.tags` and its `metadata` values as `name:value`.
    public var tags: Set<String>

    public init(keyID: String? = nil, owner: String? = nil, tier: String = "default", tags: Set<String> = []) {
        self.keyID = keyID
        self.owner = owner
        self.tier = tier
        self.tags = tags
    }
}
