import Foundation
import Testing
@testable import SluiceLedger

/// The behaviour every ``Store`` must have, run against a real SQLite file and a real PostgreSQL server.
/// The PostgreSQL cases need `SLUICE_TEST_POSTGRES_URL` (scripts/test starts a server and sets it).
@Suite("Store conformance")
struct StoreConformanceTests {
    @Test("migrate is idempotent, on one store and on a reopened one", arguments: StoreKind.allCases)
    func migrateTwice(kind: StoreKind) async throws {
        try await withStore(kind) { fixture, store in
            try await store.migrate()
            try await store.insertKey(Sample.key("key_a"))
            let again = try await fixture.open()
            try await again.migrate()
            #expect(try await again.keys().map(\.id) == ["key_a"])
            try await again.close()
        }
    }

    @Test("a closed store refuses calls", arguments: StoreKind.allCases)
    func closedStore(kind: StoreKind) async throws {
        try await withStore(kind) { fixture, _ in
            let store = try await fixture.open()
            try await store.close()
            await #expect(throws: LedgerError.self) { try await store.keys() }
            await #expect(throws: LedgerError.self) {
                try await store.reserve(Sample.reservation(amount: Sample.dollars(1), limit: Sample.dollars(5)))
            }
        }
    }
}
