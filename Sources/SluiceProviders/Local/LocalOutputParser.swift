import Foundation
import SluiceAPI

/// What ``LocalOutputParser`` found in a model's output.
enum LocalOutputEvent: Sendable, Equatable {
    /// Text of the thought (`<think>…</think>`).
    case reasoning(String)
    /// Text of the answer.
    case content(String)
    /// A tool call begins: its position among the calls and the function's name.
    case toolCallStart(index: Int, name: String)
    /// A fragment of a tool call's JSON arguments.
    case toolCallArguments(index: Int, String)
}

/// Splits generated text, as it streams, into reasoning, answer text, and Hermes/Qwen tool calls
/// (`<tool_call>\n{"name": …, "arguments": {…}}\n</tool_call>`).
///
/// Pure and incremental: text may arrive in any pieces (tags split anywhere); a piece that could be the
/// start of a tag is held back until it is decided, so a partial `<tool_call>` is never emitted as
/// content. Tool calls stream: the start (name) as soon as `{"name": "…", "arguments":` has been read,
/// then the arguments as they arrive; a call written another way (keys in another order, `parameters`)
/// is parsed whole at `</tool_call>`. A call that is not JSON is kept as content, tags included.
///
/// Whitespace: leading and trailing whitespace of the reasoning is dropped, as is whitespace between
/// `</think>` or `</tool_call>` and what follows, and whitespace before a tool call. When tool calls are
/// parsed, trailing whitespace of the content is held back until more content follows, and dropped at
/// the end when the answer made tool calls.
struct LocalOutputParser {
    private enum Mode {
        /// Before the first visible text: a thought may still open.
        case start
        case reasoning
        case content
        case toolCall
    }

    private enum CallState {
        case header
        case arguments
        case trailer
        case whole
    }

    static let thinkOpen = "<think>"
    static let thinkClose = "</think>"
    static let callOpen = "<tool_call>"
    static let callClose = "</tool_call>"

    private let parsesToolCalls: Bool
    private let maxToolCalls: Int
    private var mode: Mode
    private var buffer = ""
    private var events: [LocalOutputEvent] = []
    private var stripsLeadingReasoning = true
    private var heldReasoningSpace = ""
    private var stripsLeadingContent = false
    private var heldContentSpace = ""
    // The tool call being read.
    private var callState: CallState = .header
    private var callBody = ""
    private var callStarted = false
    private var callDiscarded = false
    private var scanner = JSONValueScanner()
    /// Tool calls emitted so far.
    private(set) var toolCallCount = 0

    /// - Parameters:
    ///   - startsInThought: the prompt opened the thought, so the output begins inside it.
    ///   - detectsThought: a `<think>` at the very start of the output (after whitespace) opens a thought.
    ///   - parsesToolCalls: `<tool_call>` blocks in the answer are tool calls.
    ///   - maxToolCalls: calls beyond this many are dropped (`parallel_tool_calls: false` allows one).
    init(startsInThought: Bool, detectsThought: Bool = true, parsesToolCalls: Bool, maxToolCalls: Int = .max) {
        self.parsesToolCalls = parsesToolCalls
        self.maxToolCalls = maxToolCalls
        self.mode = startsInThought ? .reasoning : (detectsThought ? .start : .content)
    }

    /// Adds generated text; returns what can be told about it now.
    mutating func feed(_ text: String) -> [LocalOutputEvent] {
        buffer += text
        process(final: false)
        defer { events = [] }
        return events
    }

    /// Ends the output; returns everything still held back.
    mutating func finish() -> [LocalOutputEvent] {
        process(final: true)
        switch mode {
        case .start:
            emitContent(buffer)
        case .reasoning:
            emitReasoning(buffer)
        case .content:
            emitContent(buffer)
        case .toolCall:
            appendToCall(buffer)
            endCall(closed: false)
        }
        buffer = ""
        if toolCallCount == 0 && !heldContentSpace.isEmpty { events.append(.content(heldContentSpace)) }
        heldContentSpace = ""
        defer { events = [] }
        return events
    }

    private mutating func process(final: Bool) {
        while true {
            switch mode {
            case .start:
                let rest = buffer.drop(while: \.isWhitespace)
                if rest.hasPrefix(Self.thinkOpen) {
                    buffer = String(rest.dropFirst(Self.thinkOpen.count))
                    mode = .reasoning
                    continue
                }
                if !final && Self.thinkOpen.hasPrefix(rest) { return }
                mode = .content
            case .reasoning:
                if let range = buffer.range(of: Self.thinkClose) {
                    emitReasoning(String(buffer[..<range.lowerBound]))
                    heldReasoningSpace = ""
                    buffer = String(buffer[range.upperBound...])
                    stripsLeadingContent = true
                    mode = .content
                    continue
                }
                let held = final ? 0 : Self.partialTagLength(buffer, Self.thinkClose)
                emitReasoning(String(buffer.dropLast(held)))
                buffer = String(buffer.suffix(held))
                return
            case .content:
                guard parsesToolCalls else {
                    emitContent(buffer)
                    buffer = ""
                    return
                }
                if let range = buffer.range(of: Self.callOpen) {
                    emitContent(String(buffer[..<range.lowerBound]))
                    heldContentSpace = ""
                    buffer = String(buffer[range.upperBound...])
                    beginCall()
                    continue
                }
                let held = final ? 0 : Self.partialTagLength(buffer, Self.callOpen)
                emitContent(String(buffer.dropLast(held)))
                buffer = String(buffer.suffix(held))
                return
            case .toolCall:
                if let range = buffer.range(of: Self.callClose) {
                    appendToCall(String(buffer[..<range.lowerBound]))
                    buffer = String(buffer[range.upperBound...])
                    endCall(closed: true)
                    continue
                }
                let held = final ? 0 : Self.partialTagLength(buffer, Self.callClose)
                appendToCall(String(buffer.dropLast(held)))
                buffer = String(buffer.suffix(held))
                return
            }
        }
    }

    // MARK: Reasoning and content

    private mutating func emitReasoning(_ text: String) {
        var text = Substring(text)
        if stripsLeadingReasoning {
            text = text.drop(while: \.isWhitespace)
            if text.isEmpty { return }
            stripsLeadingReasoning = false
        }
        let body = Self.trimmingTrailingWhitespace(text)
        if body.isEmpty {
            heldReasoningSpace += text
            return
        }
        events.append(.reasoning(heldReasoningSpace + body))
        heldReasoningSpace = String(text.dropFirst(body.count))
    }

    private mutating func emitContent(_ text: String) {
        var text = Substring(text)
        if stripsLeadingContent {
            text = text.drop(while: \.isWhitespace)
            if text.isEmpty { return }
            stripsLeadingContent = false
        }
        if text.isEmpty { return }
        guard parsesToolCalls else {
            events.append(.content(String(text)))
            return
        }
        let body = Self.trimmingTrailingWhitespace(text)
        if body.isEmpty {
            heldContentSpace += text
            return
        }
        events.append(.content(heldContentSpace + body))
        heldContentSpace = String(text.dropFirst(body.count))
    }

    // MARK: Tool calls

    private mutating func beginCall() {
        mode = .toolCall
        callState = .header
        callBody = ""
        callStarted = false
        callDiscarded = toolCallCount >= maxToolCalls
        scanner = JSONValueScanner()
    }

    private mutating func appendToCall(_ text: String) {
        guard !text.isEmpty else { return }
        callBody += text
        guard !callDiscarded else { return }
        switch callState {
        case .header:
            switch Self.parseHeader(callBody) {
            case .needMore:
                return
            case .mismatch:
                callState = .whole
            case .matched(let name, let rest):
                callStarted = true
                callState = .arguments
                events.append(.toolCallStart(index: toolCallCount, name: name))
                scanArguments(rest)
            }
        case .arguments:
            scanArguments(text)
        case .trailer, .whole:
            return
        }
    }

    private mutating func scanArguments(_ text: String) {
        let fragment = scanner.feed(text)
        if !fragment.isEmpty { events.append(.toolCallArguments(index: toolCallCount, fragment)) }
        if scanner.isComplete { callState = .trailer }
    }

    /// Ends the call at `</tool_call>` (or at the end of the output when `closed` is false).
    private mutating func endCall(closed: Bool) {
        mode = .content
        stripsLeadingContent = true
        if callDiscarded { return }
        if callStarted {
            toolCallCount += 1
            return
        }
        if let (name, arguments) = Self.parseWhole(callBody) {
            events.append(.toolCallStart(index: toolCallCount, name: name))
            events.append(.toolCallArguments(index: toolCallCount, arguments))
            toolCallCount += 1
            return
        }
        // Not a tool call after all: keep the text.
        stripsLeadingContent = false
        emitContent(Self.callOpen + callBody + (closed ? Self.callClose : ""))
    }

    enum Header: Equatable {
        case needMore
        case mismatch
        case matched(name: String, rest: String)
    }

    /// Reads `{"name": "<name>", "arguments":` (any whitespace) from the start of a tool call's body.
    static func parseHeader(_ body: String) -> Header {
        let scalars = Array(body.unicodeScalars)
        var index = 0
        func skipSpace() {
            while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
        }
        /// true: matched; nil: the body ends inside it; false: something else is there.
        func literal(_ text: String) -> Bool? {
            for scalar in text.unicodeScalars {
                guard index < scalars.count else { return nil }
                guard scalars[index] == scalar else { return false }
                index += 1
            }
            return true
        }
        for step in ["{", "\"name\"", ":"] {
            skipSpace()
            switch literal(step) {
            case true?: continue
            case nil: return .needMore
            case false?: return .mismatch
            }
        }
        skipSpace()
        guard index < scalars.count else { return .needMore }
        guard scalars[index] == "\"" else { return .mismatch }
        let nameStart = index
        index += 1
        var escaped = false
        while true {
            guard index < scalars.count else { return .needMore }
            let scalar = scalars[index]
            index += 1
            if escaped {
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == "\"" {
                break
            }
        }
        let literalText = String(String.UnicodeScalarView(scalars[nameStart..<index]))
        guard let name = try? JSONDecoder().decode(String.self, from: Data(literalText.utf8)) else { return .mismatch }
        for step in [",", "\"arguments\"", ":"] {
            skipSpace()
            switch literal(step) {
            case true?: continue
            case nil: return .needMore
            case false?: return .mismatch
            }
        }
        return .matched(name: name, rest: String(String.UnicodeScalarView(scalars[index...])))
    }

    /// A whole call body as JSON: `name`, and `arguments` (or `parameters`) as compact JSON text.
    static func parseWhole(_ body: String) -> (String, String)? {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body.utf8)),
            case .object(let object) = value, case .string(let name)? = object["name"]
        else { return nil }
        let arguments = object["arguments"] ?? object["parameters"] ?? .object([:])
        if case .string(let text) = arguments { return (name, text) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(arguments) else { return nil }
        return (name, String(decoding: data, as: UTF8.self))
    }

    // MARK: Helpers

    /// The length of the longest suffix of `text` that is a proper prefix of `tag`.
    static func partialTagLength(_ text: String, _ tag: String) -> Int {
        var length = min(text.count, tag.count - 1)
        while length > 0 {
            if text.hasSuffix(tag.prefix(length)) { return length }
            length -= 1
        }
        return 0
    }

    static func trimmingTrailingWhitespace(_ text: Substring) -> Substring {
        var end = text.endIndex
        while end > text.startIndex {
            let before = text.index(before: end)
            guard text[before].isWhitespace else { break }
            end = before
        }
        return text[..<end]
    }
}

/// Follows one JSON value as its text streams in: passes its characters through (dropping whitespace
/// before it) and says when the value is complete, so what follows it is not taken for arguments.
struct JSONValueScanner {
    private var started = false
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var primitive = false
    /// Whether the value has ended.
    private(set) var isComplete = false

    /// Returns the part of `text` that belongs to the value.
    mutating func feed(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isComplete { break }
            if !started {
                if scalar.properties.isWhitespace { continue }
                started = true
                switch scalar {
                case "{", "[": depth = 1
                case "\"": inString = true
                default: primitive = true
                }
                out.append(scalar)
                continue
            }
            if primitive {
                if scalar == "," || scalar == "}" || scalar == "]" || scalar.properties.isWhitespace {
                    isComplete = true
                    break
                }
                out.append(scalar)
                continue
            }
            out.append(scalar)
            if inString {
                if escaped {
                    escaped = false
                } else if scalar == "\\" {
                    escaped = true
                } else if scalar == "\"" {
                    inString = false
                    if depth == 0 { isComplete = true }
                }
                continue
            }
            switch scalar {
            case "\"": inString = true
            case "{", "[": depth += 1
            case "}", "]":
                depth -= 1
                if depth == 0 { isComplete = true }
            default: break
            }
        }
        return String(out)
    }
}
