import Foundation
import Testing

@testable import SluiceProviders

/// The streaming splitter of local model output: every case is fed whole, split at every position, and
/// character by character, and must come out the same.
@Suite("Local output parser")
struct LocalOutputParserTests {
    struct Parsed: Equatable, CustomStringConvertible {
        var reasoning = ""
        var content = ""
        var calls: [[String]] = []  // [name, arguments]
        var description: String { "reasoning: \(reasoning.debugDescription) content: \(content.debugDescription) calls: \(calls)" }
    }

    struct Options {
        var startsInThought = false
        var tools = true
        var maxCalls = Int.max
    }

    /// Parses `pieces` and folds the events; also checks the event order invariants.
    func parse(_ pieces: [String], _ options: Options) -> (Parsed, [LocalOutputEvent]) {
        var parser = LocalOutputParser(
            startsInThought: options.startsInThought, parsesToolCalls: options.tools, maxToolCalls: options.maxCalls)
        var events: [LocalOutputEvent] = []
        for piece in pieces { events += parser.feed(piece) }
        events += parser.finish()
        var parsed = Parsed()
        for event in events {
            switch event {
            case .reasoning(let text): parsed.reasoning += text
            case .content(let text): parsed.content += text
            case .toolCallStart(let index, let name):
                #expect(index == parsed.calls.count, "calls start in order")
                parsed.calls.append([name, ""])
            case .toolCallArguments(let index, let fragment):
                #expect(index == parsed.calls.count - 1, "arguments belong to the call being read")
                parsed.calls[index][1] += fragment
            }
        }
        #expect(parser.toolCallCount == parsed.calls.count)
        return (parsed, events)
    }

    /// Checks `text` split every way gives `expected`, and that no content event shows a partial tag.
    func check(_ text: String, _ expected: Parsed, _ options: Options = Options(), sourceLocation: SourceLocation = #_sourceLocation) {
        var splits: [[String]] = [[text], text.map { String($0) }]
        for cut in 0...text.count {
            let index = text.index(text.startIndex, offsetBy: cut)
            splits.append([String(text[..<index]), String(text[index...])])
        }
        for pieces in splits {
            let (parsed, events) = parse(pieces, options)
            #expect(parsed == expected, "pieces: \(pieces)", sourceLocation: sourceLocation)
            if options.tools && expected.calls.count > 0 {
                for case .content(let content) in events {
                    #expect(!content.contains("<tool"), "content event \(content.debugDescription) shows a tag", sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test("a thought the output opens becomes reasoning, trimmed")
    func thoughtOpenedByOutput() {
        check("<think>\nI should greet.\n</think>\n\nHello there!", Parsed(reasoning: "I should greet.", content: "Hello there!"))
        check("  <think>x</think>y", Parsed(reasoning: "x", content: "y"))
    }

    @Test("a thought the prompt opened becomes reasoning up to </think>")
    func thoughtOpenedByPrompt() {
        var options = Options()
        options.startsInThought = true
        check("Let me see.\nTwo lines.\n</think>\n\nThe answer.", Parsed(reasoning: "Let me see.\nTwo lines.", content: "The answer."), options)
        check("never closed  \n", Parsed(reasoning: "never closed"), options)
    }

    @Test("text that only looks like a tag stays content")
    func notATag() {
        check("<thinking> is not <think>", Parsed(content: "<thinking> is not <think>"))
        check("1 < 2 and <b>bold</b> <tool", Parsed(content: "1 < 2 and <b>bold</b> <tool"))
        check("  leading space kept", Parsed(content: "  leading space kept"), Options(tools: false))
        check("a <tool_call> b", Parsed(content: "a <tool_call> b"), Options(tools: false))
    }

    @Test("tool calls become calls with streamed JSON arguments; whitespace around them is dropped")
    func toolCalls() {
        let text = """
            Let me check.
            <tool_call>
            {"name": "get_weather", "arguments": {"city": "Paris", "unit": "c"}}
            </tool_call>
            <tool_call>
            {"name":"now","arguments":{}}
            </tool_call>

            """
        check(text, Parsed(content: "Let me check.", calls: [
            ["get_weather", #"{"city": "Paris", "unit": "c"}"#], ["now", "{}"],
        ]))
    }

    @Test("arguments with braces, quotes and tags inside strings are kept whole")
    func trickyArguments() {
        check(
            #"<tool_call>{"name": "f\"g", "arguments": {"q": "a}b\"c{", "n": [1, {"x": null}]}}</tool_call>"#,
            Parsed(calls: [[#"f"g"#, #"{"q": "a}b\"c{", "n": [1, {"x": null}]}"#]]))
    }

    @Test("a call in another key order, or with parameters, is parsed whole at its end")
    func otherShapes() {
        check(#"<tool_call>{"arguments": {"x": 1}, "name": "f"}</tool_call>"#, Parsed(calls: [["f", #"{"x":1}"#]]))
        check(#"<tool_call>{"name": "f", "parameters": {"x": "y"}}</tool_call>"#, Parsed(calls: [["f", #"{"x":"y"}"#]]))
        check(#"<tool_call>{"name": "f"}</tool_call>"#, Parsed(calls: [["f", "{}"]]))
    }

    @Test("a block that is not a call is kept as content; an unclosed complete call still counts")
    func malformed() {
        check("<tool_call>not json</tool_call> after", Parsed(content: "<tool_call>not json</tool_call> after"))
        check("<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": 1}}", Parsed(calls: [["f", #"{"a": 1}"#]]))
        check("<tool_call>\n{\"arguments\": {\"a\": 1}, \"name\": \"f\"}", Parsed(calls: [["f", #"{"a":1}"#]]))
        check("<tool_call>\n{\"broken", Parsed(content: "<tool_call>\n{\"broken"))
    }

    @Test("reasoning, then content, then a call")
    func thoughtAndCall() {
        var options = Options()
        options.startsInThought = true
        check(
            "I need the weather.\n</think>\n\n<tool_call>\n{\"name\": \"w\", \"arguments\": {\"c\": \"Rome\"}}\n</tool_call>",
            Parsed(reasoning: "I need the weather.", calls: [["w", #"{"c": "Rome"}"#]]), options)
    }

    @Test("calls past the limit are dropped")
    func limit() {
        var options = Options()
        options.maxCalls = 1
        check(
            "<tool_call>{\"name\": \"a\", \"arguments\": {}}</tool_call><tool_call>{\"name\": \"b\", \"arguments\": {}}</tool_call>",
            Parsed(calls: [["a", "{}"]]), options)
    }

    @Test("a partial tag is held back until it is decided")
    func holdsPartialTags() {
        var parser = LocalOutputParser(startsInThought: false, parsesToolCalls: true)
        #expect(parser.feed("Hi <tool_") == [.content("Hi")])
        #expect(parser.feed("ca") == [])
        #expect(parser.feed("ll>{\"name\": \"f\", \"arg") == [])
        #expect(parser.feed("uments\": {\"a\"") == [.toolCallStart(index: 0, name: "f"), .toolCallArguments(index: 0, "{\"a\"")])
        #expect(parser.feed(": 2}}</tool") == [.toolCallArguments(index: 0, ": 2}")])
        #expect(parser.feed("_call>") == [])
        #expect(parser.finish() == [])
        var thinking = LocalOutputParser(startsInThought: false, parsesToolCalls: false)
        #expect(thinking.feed("<thi") == [])
        #expect(thinking.feed("nk>a") == [.reasoning("a")])
        #expect(thinking.feed(" </th") == [])
        #expect(thinking.feed("ink>b") == [.content("b")])
    }
}
