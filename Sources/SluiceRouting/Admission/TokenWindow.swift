/// The tokens admitted over a sliding window (60 s for a tokens-per-minute limit): each admission counts
/// from its instant until exactly one window length later.
struct TokenWindow: Sendable {
    /// Token amounts are clamped to `0...maxTokens` so sums cannot overflow.
    static let maxTokens = 1 << 40

    private struct Entry: Sendable {
        let admission: UInt64
        let at: ContinuousClock.Instant
        var tokens: Int
    }

    let limit: Int
    let length: Duration
    /// Live entries are `entries[head...]`, in increasing admission (and time) order.
    private var entries: [Entry] = []
    private var head = 0
    private(set) var total = 0

    init(limit: Int, length: Duration) {
        self.limit = limit
        self.length = length
    }

    static func clamp(_ tokens: Int) -> Int {
        Swift.min(Swift.max(0, tokens), maxTokens)
    }

    /// Whether `tokens` more fit under the limit now (call ``prune(now:)`` first).
    func fits(_ tokens: Int) -> Bool { total + tokens <= limit }

    /// Drops the entries that have left the window at `now`.
    mutating func prune(now: ContinuousClock.Instant) {
        while head < entries.count, entries[head].at + length <= now {
            total -= entries[head].tokens
            head += 1
        }
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 32, head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }

    /// Counts an admission of `tokens` at `at`; admissions are added in increasing order.
    mutating func add(admission: UInt64, tokens: Int, at: ContinuousClock.Instant) {
        let tokens = Self.clamp(tokens)
        entries.append(Entry(admission: admission, at: at, tokens: tokens))
        total += tokens
    }

    /// Replaces an admission's token count with what it really used. An admission already out of the
    /// window is left alone.
    mutating func correct(admission: UInt64, tokens: Int) {
        var low = head
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].admission < admission { low = middle + 1 } else { high = middle }
        }
        guard low < entries.count, entries[low].admission == admission else { return }
        let tokens = Self.clamp(tokens)
        total += tokens - entries[low].tokens
        entries[low].tokens = tokens
    }

    /// When enough of the counted tokens will have left the window for `tokens` more to fit, or `nil` if
    /// they fit now (call ``prune(now:)`` first). `tokens` must not exceed ``limit``.
    func whenFits(_ tokens: Int) -> ContinuousClock.Instant? {
        var excess = total + tokens - limit
        guard excess > 0 else { return nil }
        for entry in entries[head...] {
            excess -= entry.tokens
            if excess <= 0 { return entry.at + length }
        }
        return entries.last.map { $0.at + length }
    }
}
