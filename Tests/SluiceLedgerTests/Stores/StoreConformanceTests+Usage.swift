import Foundation
import Testing
@testable import SluiceLedger

extension StoreConformanceTests {
    /// Six requests over three UTC days, two keys and a keyless one.
    static let usageRecords: [UsageRecord] = [
        Sample.record(
            "r1", at: Sample.day.addingTimeInterval(10 * 3600), key: "key_a", owner: "team-a", route: "chat",
            model: "deepseek-chat", tokens: TokenCounts(prompt: 100, cached: 20, completion: 50, reasoning: 10), baseNanos: 5_000),
        Sample.record(
            "r2", at: Sample.day.addingTimeInterval(11 * 3600), key: "key_a", owner: "team-a", route: "chat",
            model: "qwen-max", status: 500, tokens: TokenCounts(prompt: 10), baseNanos: 0),
        Sample.record(
            "r3", at: Sample.day.addingTimeInterval(12 * 3600), key: "key_b", owner: "team-b", route: "code",
            model: "deepseek-chat", tokens: TokenCounts(prompt: 200, cached: 100, completion: 80), baseNanos: 9_000,
            cacheHit: true),
        Sample.record(
            "r4", at: Sample.day.addingTimeInterval(25 * 3600), key: "key_b", owner: "team-b", route: "chat",
            model: "qwen-max", status: 429, tokens: TokenCounts(prompt: 5), baseNanos: 1),
        Sample.record(
            "r5", at: Sample.day.addingTimeInterval(26 * 3600), key: nil, owner: nil, route: "chat",
            model: "deepseek-chat", tokens: TokenCounts(prompt: 30, completion: 30), baseNanos: 3_000),
        Sample.record(
            "r6", at: Sample.day.addingTimeInterval(-0.001), key: "key_a", owner: "team-a", route: "code",
            model: "qwen-max", tokens: TokenCounts(prompt: 1, completion: 1), baseNanos: 700),
    ]

    static func total(
        _ group: String, _ requests: Int, errors: Int, hits: Int, _ prompt: Int, _ cached: Int, _ completion: Int,
        _ reasoning: Int, cost: Int64
    ) -> UsageTotal {
        UsageTotal(
            group: group, requests: requests, errors: errors, cacheHits: hits,
            tokens: TokenCounts(prompt: prompt, cached: cached, completion: completion, reasoning: reasoning),
            cost: Money(nanos: cost, currency: .usd))
    }

    @Test("usage totals by key, owner, model, route and day match sums worked out by hand", arguments: StoreKind.allCases)
    func usageTotals(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            try await store.record(Self.usageRecords.map { LedgerEntry(record: $0) })
            #expect(try await store.usage(UsageQuery(groupBy: .key)) == [
                Self.total("key_b", 2, errors: 1, hits: 1, 205, 100, 80, 0, cost: 9_001),
                Self.total("key_a", 3, errors: 1, hits: 0, 111, 20, 51, 10, cost: 5_700),
                Self.total("-", 1, errors: 0, hits: 0, 30, 0, 30, 0, cost: 3_000),
            ])
            #expect(try await store.usage(UsageQuery(groupBy: .owner)) == [
                Self.total("team-b", 2, errors: 1, hits: 1, 205, 100, 80, 0, cost: 9_001),
                Self.total("team-a", 3, errors: 1, hits: 0, 111, 20, 51, 10, cost: 5_700),
                Self.total("-", 1, errors: 0, hits: 0, 30, 0, 30, 0, cost: 3_000),
            ])
            #expect(try await store.usage(UsageQuery(groupBy: .model)) == [
                Self.total("deepseek-chat", 3, errors: 0, hits: 1, 330, 120, 160, 10, cost: 17_000),
                Self.total("qwen-max", 3, errors: 2, hits: 0, 16, 0, 1, 0, cost: 701),
            ])
            #expect(try await store.usage(UsageQuery(groupBy: .route)) == [
                Self.total("code", 2, errors: 0, hits: 1, 201, 100, 81, 0, cost: 9_700),
                Self.total("chat", 4, errors: 2, hits: 0, 145, 20, 80, 10, cost: 8_001),
            ])
            #expect(try await store.usage(UsageQuery(groupBy: .day)) == [
                Self.total("2025-11-23", 3, errors: 1, hits: 1, 310, 120, 130, 10, cost: 14_000),
                Self.total("2025-11-24", 2, errors: 1, hits: 0, 35, 0, 30, 0, cost: 3_001),
                Self.total("2025-11-22", 1, errors: 0, hits: 0, 1, 0, 1, 0, cost: 700),
            ])
        }
    }

    @Test("usage filters: since is inclusive, until exclusive, and a key id narrows", arguments: StoreKind.allCases)
    func usageFilters(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            try await store.record(Self.usageRecords.map { LedgerEntry(record: $0) })
            let oneDay = UsageQuery(groupBy: .key, since: Sample.day, until: Sample.day.addingTimeInterval(86_400))
            #expect(try await store.usage(oneDay) == [
                Self.total("key_b", 1, errors: 0, hits: 1, 200, 100, 80, 0, cost: 9_000),
                Self.total("key_a", 2, errors: 1, hits: 0, 110, 20, 50, 10, cost: 5_000),
            ])
            let fromR2 = UsageQuery(groupBy: .model, since: Sample.day.addingTimeInterval(11 * 3600), keyID: "key_a")
            #expect(try await store.usage(fromR2) == [Self.total("qwen-max", 1, errors: 1, hits: 0, 10, 0, 0, 0, cost: 0)])
            let beforeR3 = UsageQuery(groupBy: .route, until: Sample.day.addingTimeInterval(12 * 3600), keyID: "key_b")
            #expect(try await store.usage(beforeR3) == [])
            let keyB = UsageQuery(groupBy: .day, keyID: "key_b")
            #expect(try await store.usage(keyB) == [
                Self.total("2025-11-23", 1, errors: 0, hits: 1, 200, 100, 80, 0, cost: 9_000),
                Self.total("2025-11-24", 1, errors: 1, hits: 0, 5, 0, 0, 0, cost: 1),
            ])
        }
    }

    @Test("pruning deletes exactly the records that started before the date", arguments: StoreKind.allCases)
    func prune(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            try await store.record(Self.usageRecords.map { LedgerEntry(record: $0) })
            #expect(try await store.pruneUsage(before: Sample.day.addingTimeInterval(11 * 3600)) == 2)
            #expect(try await store.pruneUsage(before: Sample.day.addingTimeInterval(11 * 3600)) == 0)
            #expect(try await store.usageRecord(requestID: "r1") == nil)
            #expect(try await store.usageRecord(requestID: "r6") == nil)
            for id in ["r2", "r3", "r4", "r5"] {
                #expect(try await store.usageRecord(requestID: id)?.requestID == id)
            }
            #expect(try await store.usage(UsageQuery(groupBy: .route)).map(\.requests).reduce(0, +) == 4)
        }
    }

    @Test("a usage record round-trips every field, with and without the optional ones", arguments: StoreKind.allCases)
    func recordRoundTrip(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            let full = UsageRecord(
                requestID: "req-full", startedAt: Date(timeIntervalSince1970: 1_763_900_000.125), keyID: "key_a",
                owner: "team-a", route: "smart", model: "deepseek-reasoner", upstream: "openai:deepseek-reasoner",
                status: 200, tokens: TokenCounts(prompt: 1_234, cached: 1_000, completion: 567, reasoning: 400),
                cost: Money(nanos: 9_876_543_210, currency: .cny), baseCost: Money(nanos: 1_391_062_424, currency: .usd),
                latencyMs: 4_321, ttftMs: 250, experimentArm: "arm-b", cacheHit: true)
            let bare = UsageRecord(
                requestID: "req-bare", startedAt: Sample.day, keyID: nil, owner: nil, route: "local", model: "local",
                upstream: "local:qwen3", status: 503, tokens: TokenCounts(), cost: Money(nanos: 0, currency: .usd),
                baseCost: Money(nanos: 0, currency: .usd), latencyMs: 0)
            try await store.record([LedgerEntry(record: full), LedgerEntry(record: bare)])
            #expect(try await store.usageRecord(requestID: "req-full") == full)
            #expect(try await store.usageRecord(requestID: "req-bare") == bare)
            #expect(try await store.usageRecord(requestID: "req-none") == nil)
        }
    }
}
