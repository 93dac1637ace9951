import SluiceProviders
import Testing

@Suite("Stop sequences in streamed text")
struct StopSequenceMatcherTests {
    /// Feeds pieces and returns what was emitted and which stop matched.
    func run(_ stops: [String], _ pieces: [String]) -> (String, String?) {
        var matcher = StopSequenceMatcher(stops)
        var text = ""
        for piece in pieces {
            let output = matcher.append(piece)
            text += output.text
            if let stop = output.stoppedBy { return (text, stop) }
        }
        return (text + matcher.finish(), nil)
    }

    @Test("a stop split across pieces is found and never emitted")
    func split() {
        #expect(run(["END"], ["Hello E", "N", "D and more"]) == ("Hello ", "END"))
        #expect(run(["\n\n"], ["a\n", "\nb"]) == ("a", "\n\n"))
    }

    @Test("a false start is released once it cannot match")
    func falseStart() {
        var matcher = StopSequenceMatcher(["STOP"])
        #expect(matcher.append("ST") == .init(text: "", stoppedBy: nil))
        #expect(matcher.append("ay") == .init(text: "STay", stoppedBy: nil))
        #expect(run(["STOP"], ["ST", "ay"]) == ("STay", nil))
    }

    @Test("the earliest of several stops wins; no stops means pass-through")
    func several() {
        #expect(run(["world", "lo w"], ["hello world"]) == ("hel", "lo w"))
        #expect(run([], ["a", "b"]) == ("ab", nil))
        #expect(run([""], ["x"]) == ("x", nil))
    }

    @Test("held text comes out at the end when nothing matched")
    func finish() {
        #expect(run(["<|end|>"], ["answer <|e"]) == ("answer <|e", nil))
    }

    @Test("multi-byte characters are handled as characters")
    func unicode() {
        #expect(run(["。"], ["你好", "。再见"]) == ("你好", "。"))
    }
}
