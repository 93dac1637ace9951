import Testing
@testable import SluiceLedger

@Suite("Reservation ids")
struct ReservationIDsTests {
    @Test("ids are unique under concurrency and between generators")
    func unique() async {
        let first = ReservationIDs()
        let ids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<2_000).map { _ in first.next() } }
            }
            var ids = Set<String>()
            for await batch in group { ids.formUnion(batch) }
            return ids
        }
        #expect(ids.count == 16_000)
        #expect(ids.allSatisfy { $0.hasPrefix("res_") && $0.count <= 4 + 16 + 1 + 13 })
        let second = ReservationIDs()
        #expect(!ids.contains(second.next()))
        // The random parts differ (a 1 in 2^64 chance that they do not).
        func randomPart(_ id: String) -> Substring { id.split(separator: "_")[1] }
        #expect(randomPart(first.next()).count == 16)
        #expect(randomPart(first.next()) != randomPart(second.next()))
    }
}
