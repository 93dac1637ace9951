import Foundation
import Testing
@testable import SluiceLedger

extension StoreConformanceTests {
    @Test("a key round-trips every field and is found by hash and by id", arguments: StoreKind.allCases)
    func keyRoundTrip(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            let full = VirtualKey(
                id: "key_full", secretHash: KeySecret.hash("sk-sluice-full"), displayPrefix: "sk-sluice-full",
                owner: "team-b", tier: "paid", allowedModels: ["deepseek-chat", "qwen-max"], rpm: 60, tpm: 100_000,
                budget: Budget(limit: Money(nanos: 12_500_000_001, currency: .cny), period: .month), responseCache: true,
                createdAt: Sample.day, expiresAt: Sample.day.addingTimeInterval(86_400 * 30))
            let bare = Sample.key("key_bare")
            try await store.insertKey(full)
            try await store.insertKey(bare)
            #expect(try await store.key(secretHash: full.secretHash) == full)
            #expect(try await store.key(id: "key_full") == full)
            #expect(try await store.key(id: "key_bare") == bare)
            #expect(try await store.key(secretHash: bare.secretHash) == bare)
            #expect(try await store.key(id: "key_missing") == nil)
            #expect(try await store.key(secretHash: KeySecret.hash("unknown")) == nil)
        }
    }

    @Test("a taken id or secret hash is a duplicate key", arguments: StoreKind.allCases)
    func duplicateKeys(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            let key = Sample.key("key_a")
            try await store.insertKey(key)
            var sameID = Sample.key("key_b")
            sameID.id = "key_a"
            await #expect(throws: LedgerError.duplicateKey("key_a")) { try await store.insertKey(sameID) }
            var sameHash = Sample.key("key_c")
            sameHash.secretHash = key.secretHash
            await #expect(throws: LedgerError.duplicateKey("key_c")) { try await store.insertKey(sameHash) }
            #expect(try await store.keys() == [key])
        }
    }

    @Test("keys are listed oldest first", arguments: StoreKind.allCases)
    func keyOrder(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            try await store.insertKey(Sample.key("key_mid", createdAt: Sample.day.addingTimeInterval(60)))
            try await store.insertKey(Sample.key("key_new", createdAt: Sample.day.addingTimeInterval(120)))
            try await store.insertKey(Sample.key("key_old", createdAt: Sample.day))
            #expect(try await store.keys().map(\.id) == ["key_old", "key_mid", "key_new"])
        }
    }

    @Test("revoking marks the key once; an unknown id is not found", arguments: StoreKind.allCases)
    func revoke(kind: StoreKind) async throws {
        try await withStore(kind) { _, store in
            try await store.insertKey(Sample.key("key_a"))
            try await store.insertKey(Sample.key("key_b"))
            let when = Sample.day.addingTimeInterval(3600)
            #expect(try await store.revokeKey(id: "key_a", at: when) == true)
            #expect(try await store.revokeKey(id: "key_a", at: when.addingTimeInterval(60)) == false)
            #expect(try await store.key(id: "key_a")?.revokedAt == when)
            #expect(try await store.key(id: "key_b")?.revokedAt == nil)
            await #expect(throws: LedgerError.keyNotFound("key_zzz")) {
                try await store.revokeKey(id: "key_zzz", at: when)
            }
        }
    }
}
