/// How ``UsageJournal`` lays ledger entries out on disk: one frame per append, each carrying its own
/// length and checksum, so that a reader can tell the frames a process finished writing from a torn
/// tail (a process killed in the middle of a `write`, or a machine that lost power before writeback).
///
/// A frame is a 16-byte header, then the payload:
///
/// | bytes | field |
/// |---|---|
/// | 4 | magic `SLJ1` |
/// | 4 | payload length, little-endian |
/// | 8 | FNV-1a 64 of the payload, little-endian |
/// | n | payload: the entry count (4 bytes), then each entry's fields in declaration order |
///
/// Integers are 8 bytes little-endian, texts a 4-byte length and UTF-8, optionals a presence byte first,
/// instants whole microseconds since 1970 (the precision the database keeps).
enum JournalFrame {
    static let magic: [UInt8] = Array("SLJ1".utf8)
    static let headerSize = 16
    /// The longest payload a reader accepts; anything longer is corruption.
    static let maxPayload = 1 << 28

    /// Appends one frame holding `entries` to `bytes`.
    static func encode(_ entries: [LedgerEntry], into bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: magic)
        bytes.append(contentsOf: repeatElement(0, count: headerSize - magic.count))
        // The writer borrows the buffer (a swap, not a copy) and hands it back.
        var payload = PayloadWriter(bytes: [])
        swap(&payload.bytes, &bytes)
        payload.u32(UInt32(entries.count))
        for entry in entries { payload.entry(entry) }
        swap(&payload.bytes, &bytes)
        let length = bytes.count - start - headerSize
        let checksum = bytes.withUnsafeBytes { fnv1a(UnsafeRawBufferPointer(rebasing: $0[(start + headerSize)...])) }
        withUnsafeBytes(of: UInt32(length).littleEndian) { bytes.replaceSubrange(start + 4 ..< start + 8, with: $0) }
        withUnsafeBytes(of: checksum.littleEndian) { bytes.replaceSubrange(start + 8 ..< start + 16, with: $0) }
    }

    /// The entries of every whole, intact frame at the start of `bytes`, and how many bytes those frames
    /// take; reading stops at the first frame that is cut short or fails its checksum.
    static func decode(_ bytes: [UInt8]) -> (entries: [LedgerEntry], validBytes: Int) {
        var entries: [LedgerEntry] = []
        var offset = 0
        while bytes.count - offset >= headerSize, Array(bytes[offset ..< offset + 4]) == magic {
            let length = Int(readLE(UInt32.self, bytes, at: offset + 4))
            let checksum = readLE(UInt64.self, bytes, at: offset + 8)
            let body = offset + headerSize
            guard length <= maxPayload, bytes.count - body >= length else { break }
            let intact = bytes.withUnsafeBytes { fnv1a(UnsafeRawBufferPointer(rebasing: $0[body ..< body + length])) } == checksum
            guard intact else { break }
            var reader = PayloadReader(bytes: bytes, offset: body, end: body + length)
            guard let frame = reader.entries(), reader.offset == body + length else { break }
            entries.append(contentsOf: frame)
            offset = body + length
        }
        return (entries, offset)
    }

    /// FNV-1a, 64-bit.
    static func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    private static func readLE<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        var value: T = 0
        for index in (0 ..< MemoryLayout<T>.size).reversed() { value = value << 8 | T(bytes[offset + index]) }
        return value
    }

    private struct PayloadWriter {
        var bytes: [UInt8]

        mutating func u32(_ value: UInt32) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }

        mutating func int(_ value: Int64) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }

        mutating func int(_ value: Int64?) {
            bytes.append(value == nil ? 0 : 1)
            if let value { int(value) }
        }

        mutating func text(_ value: String) {
            var value = value
            value.withUTF8 { utf8 in
                u32(UInt32(utf8.count))
                bytes.append(contentsOf: utf8)
            }
        }

        mutating func text(_ value: String?) {
            bytes.append(value == nil ? 0 : 1)
            if let value { text(value) }
        }

        mutating func money(_ value: Money) {
            int(value.nanos)
            text(value.currency.code)
        }

        mutating func entry(_ entry: LedgerEntry) {
            let record = entry.record
            text(record.requestID)
            int(StoreColumns.micros(record.startedAt))
            text(record.keyID)
            text(record.owner)
            text(record.route)
            text(record.model)
            text(record.upstream)
            int(Int64(record.status))
            for count in [record.tokens.prompt, record.tokens.cached, record.tokens.completion, record.tokens.reasoning] {
                int(Int64(count))
            }
            money(record.cost)
            money(record.baseCost)
            int(Int64(record.latencyMs))
            int(record.ttftMs.map(Int64.init))
            text(record.experimentArm)
            bytes.append(record.cacheHit ? 1 : 0)
            bytes.append(entry.settlement == nil ? 0 : 1)
            guard let settlement = entry.settlement else { return }
            let reservation = settlement.reservation
            text(reservation.id)
            text(reservation.keyID)
            int(reservation.periodStart)
            money(reservation.amount)
            int(StoreColumns.micros(reservation.expiresAt))
            money(settlement.charge)
        }
    }

    /// Reads a payload; every read returns nil past `end`.
    private struct PayloadReader {
        let bytes: [UInt8]
        var offset: Int
        let end: Int

        mutating func entries() -> [LedgerEntry]? {
            guard let count = u32(), Int(count) <= (end - offset) / 8 else { return nil }
            var entries: [LedgerEntry] = []
            entries.reserveCapacity(Int(count))
            for _ in 0 ..< count {
                guard let entry = entry() else { return nil }
                entries.append(entry)
            }
            return entries
        }

        private mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard count >= 0, end - offset >= count else { return nil }
            defer { offset += count }
            return bytes[offset ..< offset + count]
        }

        private mutating func u32() -> UInt32? {
            guard take(4) != nil else { return nil }
            return readLE(UInt32.self, bytes, at: offset - 4)
        }

        private mutating func int() -> Int64? {
            guard take(8) != nil else { return nil }
            return readLE(Int64.self, bytes, at: offset - 8)
        }

        private mutating func flag() -> Bool? {
            guard let byte = take(1)?.first, byte <= 1 else { return nil }
            return byte == 1
        }

        private mutating func text() -> String? {
            guard let length = u32(), let utf8 = take(Int(length)) else { return nil }
            return String(validating: utf8, as: UTF8.self)
        }

        /// An optional: nil for a damaged payload, `.some(nil)` for an absent value.
        private mutating func optional<T>(_ read: (inout Self) -> T?) -> T?? {
            guard let present = flag() else { return nil }
            guard present else { return .some(nil) }
            guard let value = read(&self) else { return nil }
            return .some(value)
        }

        private mutating func money() -> Money? {
            guard let nanos = int(), let code = text() else { return nil }
            return Money(nanos: nanos, currency: Currency(code))
        }

        private mutating func entry() -> LedgerEntry? {
            guard let requestID = text(), let startedAt = int(), let keyID = optional({ $0.text() }),
                  let owner = optional({ $0.text() }), let route = text(), let model = text(), let upstream = text(),
                  let status = int(), let prompt = int(), let cached = int(), let completion = int(),
                  let reasoning = int(), let cost = money(), let baseCost = money(), let latency = int(),
                  let ttft = optional({ $0.int() }), let arm = optional({ $0.text() }), let cacheHit = flag(),
                  let settled = flag()
            else { return nil }
            let record = UsageRecord(
                requestID: requestID, startedAt: StoreColumns.date(micros: startedAt), keyID: keyID, owner: owner,
                route: route, model: model, upstream: upstream, status: Int(status),
                tokens: TokenCounts(prompt: Int(prompt), cached: Int(cached), completion: Int(completion), reasoning: Int(reasoning)),
                cost: cost, baseCost: baseCost, latencyMs: Int(latency), ttftMs: ttft.map(Int.init),
                experimentArm: arm, cacheHit: cacheHit)
            guard settled else { return LedgerEntry(record: record) }
            guard let id = text(), let reservationKey = text(), let periodStart = int(), let amount = money(),
                  let expiresAt = int(), let charge = money()
            else { return nil }
            let reservation = BudgetReservation(
                id: id, keyID: reservationKey, periodStart: periodStart, amount: amount,
                expiresAt: StoreColumns.date(micros: expiresAt))
            return LedgerEntry(record: record, settlement: Settlement(reservation: reservation, charge: charge))
        }
    }
}
