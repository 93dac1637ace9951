extension BatchScheduler {
    /// One forward pass for every running sequence: the next token of each decoding sequence, then
    /// prompt chunks of prefilling ones within `prefillChunk` tokens. Each sequence that got logits then
    /// samples (or finishes), and newly completed blocks enter the prefix cache.
    func step() {
        var batch: [BatchToken] = []
        var fed: [(sequence: ScheduledSequence, count: Int)] = []
        var owners: [ScheduledSequence] = []
        for sequence: ScheduledSequence in active where !sequence.isPrefilling {
            guard let token: Int32 = sequence.pending else { continue }
            batch.append(BatchToken(sequence: sequence.slot, position: sequence.computed, token: token, wantsLogits: true))
            fed.append((sequence, 1))
            owners.append(sequence)
        }
        // Chunks keep decoding streams moving; with none decoding, a prompt goes in whole batches.
        var budget: Int = batch.isEmpty ? max(settings.prefillChunk, engine.maxBatch) : settings.prefillChunk
        for sequence: ScheduledSequence in active where sequence.isPrefilling && budget > 0 {
            let count: Int = min(budget, sequence.promptCount - sequence.computed)
            for offset: Int in 0..<count {
                let position: Int = sequence.computed + offset
                batch.append(BatchToken(
                    sequence: sequence.slot, position: position, token: sequence.request.prompt[position],
                    wantsLogits: position == sequence.promptCount - 1))
            }
            fed.append((sequence, count))
            if sequence.computed + count == sequence.promptCount { owners.append(sequence) }
            budget -= count
        }
        guard !batch.isEmpty else { return }

        do throws(EngineError) {
            try engine.forward(batch)
        } catch {
            for (sequence, _) in fed { finish(sequence, .failure(error)) }
            return
        }
        for (sequence, count) in fed {
            sequence.computed += count
            sequence.pending = nil
            if settings.prefixCache { engine.cache.commit(sequence.slot, tokens: sequence.tokens) }
        }
        for (row, sequence) in owners.enumerated() {
            advance(sequence, logits: engine.logits(row: row))
        }
    }

    /// Lets `sequence` choose its next token from `logits`, delivers it, and ends the sequence when it is done.
    private func advance(_ sequence: ScheduledSequence, logits: UnsafeBufferPointer<Float>) {
        switch sequence.decoder.step(logits) {
        case .finish(let reason):
            finish(sequence, .success(sequence.summary(reason)))
        case .emit(let token):
            if sequence.firstToken == nil { sequence.firstToken = .now }
            sequence.tokens.append(token.id)
            sequence.pending = token.id
            if !sequence.request.onToken(token) {
                finish(sequence, .success(sequence.summary(.cancelled)))
            } else if sequence.decoder.isExhausted || sequence.computed >= engine.contextLength {
                finish(sequence, .success(sequence.summary(.length)))
            }
        }
    }
}
