import Foundation
import Testing
@testable import SluiceLedger

/// The journal's frames: what is written reads back the same, and a reader keeps exactly the frames
/// that were written whole.
@Suite("Usage journal frames")
struct JournalFrameTests {
    static func entries(_ prefix: String, count: Int) -> [LedgerEntry] {
        (0..<count).map { index in
            var record = Sample.record(
                "\(prefix)-\(index)", at: Sample.day.addingTimeInterval(Double(index) * 0.25),
                key: index % 3 == 0 ? nil : "key_\(index)", owner: index % 2 == 0 ? nil : "团队-\(index) ✓",
                tokens: TokenCounts(prompt: index, cached: index / 2, completion: 7 * index, reasoning: index % 4),
                baseNanos: Int64(index) * 1_000 - 5, cacheHit: index % 5 == 0)
            record.ttftMs = index % 2 == 0 ? nil : index
            record.experimentArm = index % 3 == 1 ? "arm-b" : nil
            record.status = index % 7 == 0 ? 502 : 200
            guard index % 2 == 1 else { return LedgerEntry(record: record) }
            let reservation = BudgetReservation(
                id: "res_\(prefix)_\(index)", keyID: "key_\(index)", periodStart: 1_763_856_000,
                amount: Money(nanos: .max - Int64(index), currency: .cny),
                expiresAt: Sample.day.addingTimeInterval(900))
            return LedgerEntry(record: record, settlement: Settlement(reservation: reservation, charge: Money(nanos: Int64(index), currency: .cny)))
        }
    }

    @Test("frames read back exactly the entries written, optional fields and settlements included")
    func roundTrip() {
        let first = Self.entries("a", count: 1)
        let second = Self.entries("b", count: 40)
        var bytes: [UInt8] = []
        JournalFrame.encode(first, into: &bytes)
        JournalFrame.encode([], into: &bytes)
        JournalFrame.encode(second, into: &bytes)
        let (entries, valid) = JournalFrame.decode(bytes)
        #expect(valid == bytes.count)
        #expect(entries == first + second)
    }

    @Test("a frame cut short at any byte is dropped, with everything after it; the frames before it are kept")
    func tornTail() {
        let whole = Self.entries("w", count: 3)
        let torn = Self.entries("t", count: 2)
        var bytes: [UInt8] = []
        JournalFrame.encode(whole, into: &bytes)
        let boundary = bytes.count
        JournalFrame.encode(torn, into: &bytes)
        for cut in boundary..<bytes.count {
            let (entries, valid) = JournalFrame.decode(Array(bytes[..<cut]))
            #expect(entries == whole && valid == boundary, "cut at \(cut)")
        }
    }

    @Test("a changed byte fails the frame's checksum, and reading stops there")
    func corruption() {
        var bytes: [UInt8] = []
        JournalFrame.encode(Self.entries("x", count: 2), into: &bytes)
        let boundary = bytes.count
        JournalFrame.encode(Self.entries("y", count: 2), into: &bytes)
        let secondEnd = bytes.count
        JournalFrame.encode(Self.entries("z", count: 2), into: &bytes)
        #expect(JournalFrame.decode(bytes).entries.count == 6)
        for offset in stride(from: boundary, to: secondEnd, by: 7) {
            var damaged = bytes
            damaged[offset] ^= 0x20
            let (entries, valid) = JournalFrame.decode(damaged)
            // A flip in the second frame loses it and the third; nothing of the first.
            #expect(valid == boundary, "flip at \(offset)")
            #expect(entries.map(\.record.requestID) == ["x-0", "x-1"], "flip at \(offset)")
        }
    }
}
