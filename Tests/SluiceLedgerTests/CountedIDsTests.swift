import Testing
@testable import SluiceLedger

@Suite("Counted ids (request and reservation ids)")
struct CountedIDsTests {
    @Test("ids are unique under concurrency and between generators, and keep their shape")
    func unique() async {
        let first = CountedIDs(prefix: "res_", randomHexDigits: 16)
        let ids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<2_000).map { _ in first.next() } }
            }
            var ids = Set<String>()
            for await batch in group { ids.formUnion(batch) }
            return ids
        }
        #expect(ids.count == 16_000)
        let hex = Set("0123456789abcdef")
        #expect(ids.allSatisfy { $0.hasPrefix("res_") && $0.count == 4 + 16 + 16 && $0.dropFirst(4).allSatisfy(hex.contains) })
        let second = CountedIDs(prefix: "res_", randomHexDigits: 16)
        #expect(!ids.contains(second.next()))
        // The random parts differ (a 1 in 2^64 chance that they do not).
        #expect(first.next().prefix(20) != second.next().prefix(20))
    }

    @Test("one generator's ids sort in the order they were made")
    func ordered() {
        let ids = CountedIDs(prefix: "req_", randomHexDigits: 8)
        let made = (0..<300).map { _ in ids.next() }
        #expect(made.sorted() == made)
        #expect(made.allSatisfy { $0.count == 4 + 8 + 16 })
    }
}
