import Foundation
import SluiceAPI
import Testing
@testable import SluiceRouting

/// Labelled JSONL: labels, pair preferences, request members, blank lines and bad lines.
@Suite("Discriminator training data")
struct TrainingDataTests {
    @Test("labels and pair preferences; a tie counts as the weak model sufficing")
    func labelsAndWinners() throws {
        let jsonl = """
            {"messages":[{"role":"user","content":"Prove Fermat's little theorem."}],"label":1}
            {"messages":[{"role":"user","content":"hi"}],"label":0}

            {"messages":[{"role":"user","content":"derive it"}],"winner":"strong"}
               
            {"messages":[{"role":"user","content":"thanks"}],"winner":"weak"}\r
            {"messages":[{"role":"user","content":"ok"}],"winner":"tie","model":"ignored","id":7}
            {"messages":[{"role":"user","content":"yes"}],"label":true}
            """
        let examples = try TrainingData.parse(jsonl: jsonl)
        #expect(examples.map(\.needsStrong) == [true, false, true, false, false, true])
        #expect(examples[0].features.question == "Prove Fermat's little theorem.")
        #expect(examples[0].features.turns == 1)
    }

    @Test("tools, response_format and reasoning_effort feed the features")
    func requestMembers() throws {
        let line = """
            {"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"weather?"}],\
            "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],\
            "response_format":{"type":"json_object"},"reasoning_effort":"high","label":0}
            """
        let example = try #require(try TrainingData.parse(jsonl: line).first)
        #expect(example.features.hasTools)
        #expect(example.features.wantsJSON)
        #expect(example.features.wantsReasoning)
        #expect(example.features.system == "Be brief.")
        #expect(example.request.model == TrainingData.placeholderModel)
    }

    @Test("a bad line names its number and the problem", arguments: [
        ("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"label\":2}", "'label' must be 1 or 0, got 2"),
        ("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"winner\":\"maybe\"}", "'winner' must be \"strong\", \"weak\" or \"tie\", got \"maybe\""),
        ("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}", "needs 'label' (1 or 0) or 'winner' (\"strong\", \"weak\" or \"tie\")"),
        ("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"label\":1,\"winner\":\"weak\"}", "has both 'label' and 'winner'; give one"),
        ("{\"label\":1}", "'messages' is missing"),
        ("{\"messages\":[{\"role\":\"assistant\",\"content\":\"a\"}],\"label\":1}", "'messages' has no user message"),
        ("{\"messages\":[{\"content\":\"a\"}],\"label\":1}", "'messages[0].role' is missing"),
        ("{\"messages\":\"hello\",\"label\":1}", "'messages' has the wrong type (expected an array)"),
        ("{\"messages\": [", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
    ])
    func badLine(line: String, reason: String) {
        let good = "{\"messages\":[{\"role\":\"user\",\"content\":\"fine\"}],\"label\":0}"
        #expect(throws: TrainingDataError.badLine(line: 3, reason: reason)) {
            try TrainingData.parse(jsonl: good + "\n\n" + line + "\n" + good)
        }
    }

    @Test("blank input gives no examples")
    func blank() throws {
        #expect(try TrainingData.parse(jsonl: "").isEmpty)
        #expect(try TrainingData.parse(jsonl: "\n  \n\t\n").isEmpty)
    }

    @Test("written examples read back the same")
    func roundTrip() throws {
        let examples = SyntheticRoutingSet(seed: 3).examples(count: 200)
        let path = DiscriminatorFixture.temporaryPath("set.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TrainingData.write(examples, to: path)
        let read = try TrainingData.load(path: path)
        #expect(read.count == 200)
        #expect(read.map(\.needsStrong) == examples.map(\.needsStrong))
        #expect(read.map(\.features) == examples.map(\.features))
    }

    @Test("a missing file is unreadable")
    func missingFile() {
        #expect(throws: TrainingDataError.unreadable(path: "/nonexistent/labelled.jsonl", reason: "no such file")) {
            try TrainingData.load(path: "/nonexistent/labelled.jsonl")
        }
    }
}
