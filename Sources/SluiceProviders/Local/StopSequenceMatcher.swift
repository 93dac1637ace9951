/// Finds stop sequences in streamed text without ever emitting text that might still turn out to be
/// the start of one.
///
/// Text is appended as the model produces it. What can safely go to the client is returned; a tail
/// that is a prefix of some stop sequence is held back until the next piece decides it. When a stop
/// sequence is completed, the text before it is returned and the match is reported; the sequence itself
/// is never emitted (as OpenAI does).
public struct StopSequenceMatcher: Sendable {
    private let stops: [String]
    private var held = ""

    /// - Parameter stops: the stop sequences; empty strings are ignored.
    public init(_ stops: [String]) {
        self.stops = stops.filter { !$0.isEmpty }
    }

    /// What ``append(_:)`` decided.
    public struct Output: Sendable, Equatable {
        /// Text that can be sent now.
        public var text: String
        /// The stop sequence that ended the output, if one did.
        public var stoppedBy: String?

        public init(text: String, stoppedBy: String?) {
            self.text = text
            self.stoppedBy = stoppedBy
        }
    }

    /// Adds newly generated text.
    public mutating func append(_ piece: String) -> Output {
        guard !stops.isEmpty else { return Output(text: piece, stoppedBy: nil) }
        held += piece
        // The earliest complete stop sequence wins.
        var earliest: (range: Range<String.Index>, stop: String)?
        for stop in stops {
            if let range = held.range(of: stop), earliest == nil || range.lowerBound < earliest!.range.lowerBound {
                earliest = (range, stop)
            }
        }
        if let earliest {
            let text = String(held[..<earliest.range.lowerBound])
            held = ""
            return Output(text: text, stoppedBy: earliest.stop)
        }
        // Hold back the longest tail that is a proper prefix of some stop sequence.
        let keep = heldTailLength()
        let cut = held.index(held.endIndex, offsetBy: -keep)
        let text = String(held[..<cut])
        held = String(held[cut...])
        return Output(text: text, stoppedBy: nil)
    }

    /// Ends the output: whatever was held back is sent after all.
    public mutating func finish() -> String {
        defer { held = "" }
        return held
    }

    private func heldTailLength() -> Int {
        let characters = Array(held)
        var best = 0
        for stop in stops {
            let stopCharacters = Array(stop)
            let longest = min(stopCharacters.count - 1, characters.count)
            guard longest > best else { continue }
            for length in stride(from: longest, to: best, by: -1)
            where Array(characters[(characters.count - length)...]) == Array(stopCharacters[..<length]) {
                best = length
                break
            }
        }
        return best
    }
}
