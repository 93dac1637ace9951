import NIOCore
import Synchronization
import NIOPosix

extension SQLiteStore {
    /// How long journaled records wait before their ingestion, so that one transaction carries all the
    /// records of that time (a few hundred under load) instead of a commit per handful.
    static let ingestDelay: TimeAmount = .milliseconds(100)

    /// Makes `entries` durable in the journal and settles them in the budget book at once, while the
    /// journal is held (so that a period's spend loaded meanwhile counts each of them exactly once).
    func journal(_ entries: [LedgerEntry], to journal: UsageJournal, batch: LedgerBatch) throws(LedgerError) {
        let charges = batch.allCharges
        let closing = batch.reservationIDs
        let flush = try journal.append(entries) {
            budgets.withLock { $0.settle(charges, closing: closing) }
        }
        arrange(flush)
    }

    /// Schedules the ingestion `flush` asks for on the usage writer's thread.
    func arrange(_ flush: UsageJournal.Flush) {
        switch flush {
        case .none:
            return
        case .now:
            submitIngestion(arrangedAs: .now)
        case .later:
            MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: Self.ingestDelay) {
                self.submitIngestion(arrangedAs: .later)
            }
        }
    }

    private func submitIngestion(arrangedAs flush: UsageJournal.Flush) {
        usageWriter.submit { state in
            // A closed store ingests what is left in `close` (or leaves it for the next opening).
            guard case .active = state else { return }
            do throws(LedgerError) {
                try self.ingestJournal(arrangedAs: flush)
                let failed = self.ingestFailures.exchange(0, ordering: .relaxed)
                if failed > 0 {
                    self.logger.notice("the usage journal is being ingested again", metadata: ["failed_attempts": "\(failed)"])
                }
            } catch {
                // Retried every ingestion delay while the database refuses: log the first failure and
                // then one in a hundred.
                let failed = self.ingestFailures.add(1, ordering: .relaxed).newValue
                if failed == 1 || failed % 100 == 0 {
                    self.logger.error(
                        "ingesting the usage journal failed; the records stay journaled and are retried",
                        metadata: ["error": "\(error)", "failed_attempts": "\(failed)"])
                }
            }
        }
    }

    /// Moves every pending journaled record into the database in one transaction (skipping request ids
    /// it already has), takes back from the budget book what those skipped rows settled, and empties
    /// the journal file they came from. On failure the records stay pending and a retry is arranged.
    /// Call only on the usage writer's thread.
    func ingestJournal(arrangedAs flush: UsageJournal.Flush) throws(LedgerError) {
        guard let journal else { return }
        let entries = journal.beginIngest(arrangedAs: flush)
        guard !entries.isEmpty else {
            arrange(journal.endIngest(count: 0))
            return
        }
        let batch = LedgerBatch(checked: entries)
        let applied: [LedgerBatch.Charge]
        do throws(LedgerError) {
            applied = try usageWriter.insert(batch)
        } catch {
            // The commit may or may not have happened: read these periods' spend again when next needed
            // (the records are still pending, and counted again on top of what the database holds).
            budgets.withLock { $0.forget(batch.periods) }
            arrange(journal.arrangement())
            throw error
        }
        let excess = LedgerBatch.excess(of: batch.allCharges, over: applied)
        if !excess.isEmpty { budgets.withLock { $0.unsettle(excess) } }
        arrange(journal.endIngest(count: entries.count))
    }

    /// Makes every record journaled before this call visible to reads: ingests the journal now or, in a
    /// store without it (another store, such as a live gateway's, holds it), waits until that store has
    /// ingested what its journal holds, for at most ``liveJournalWait``.
    func flushJournal() async throws(LedgerError) {
        guard journal != nil else { return try await awaitLiveJournal() }
        try await usageWriter.run { _ throws(LedgerError) in try self.ingestJournal(arrangedAs: .none) }
    }

    /// The longest a store without the journal waits for the holder's ingestion before reading anyway.
    static let liveJournalWait: Duration = .seconds(2)

    private func awaitLiveJournal() async throws(LedgerError) {
        var waiting = Set(UsageJournal.peekRequestIDs(databasePath: path))
        let deadline = ContinuousClock.now.advanced(by: Self.liveJournalWait)
        while !waiting.isEmpty {
            waiting = try await notStored(waiting)
            if waiting.isEmpty { return }
            guard ContinuousClock.now < deadline else {
                logger.warning(
                    "records journaled by the process that holds the ledger are not in the database yet; reading without them",
                    metadata: ["records": "\(waiting.count)"])
                return
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The ids in `ids` that have no usage row.
    private func notStored(_ ids: Set<String>) async throws(LedgerError) -> Set<String> {
        var missing = ids
        let all = Array(ids)
        for start in stride(from: 0, to: all.count, by: 500) {
            let chunk = all[start ..< min(start + 500, all.count)]
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            let rows = try await reader.rows(
                "SELECT request_id FROM usage WHERE request_id IN (\(marks))", chunk.map { .text($0) })
            for row in rows { missing.remove(try row.text("request_id")) }
        }
        return missing
    }

    /// What the journaled records not yet in the database charge `period`, in nanos.
    func pendingCharges(_ pending: [LedgerEntry], for period: LedgerBatch.Period) -> Int64 {
        LedgerBatch(checked: pending).allCharges.first { $0.period == period }?.amount.nanos ?? 0
    }
}
