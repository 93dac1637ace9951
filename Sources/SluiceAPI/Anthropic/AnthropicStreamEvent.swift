import Foundation

/// One event of a streamed Messages response. Each is sent as an SSE event whose name (``name``) equals
/// the `type` inside its JSON data.
///
/// A stream is `message_start`, then for each content block `content_block_start`, its
/// `content_block_delta`s and `content_block_stop`, then `message_delta` (stop reason and cumulative
/// usage) and `message_stop`; `ping` events may come anywhere, and an `error` event may end it early.
public enum AnthropicStreamEvent: Sendable, Hashable {
    /// The message with empty `content`; its usage carries the input token counts.
    case messageStart(AnthropicMessagesResponse)
    /// A block begins (text and thinking empty, tool_use with `input: {}`).
    case contentBlockStart(index: Int, block: AnthropicContentBlock)
    /// A fragment of the block at `index`.
    case contentBlockDelta(index: Int, delta: AnthropicBlockDelta)
    /// The block at `index` is complete.
    case contentBlockStop(index: Int)
    /// Top-level changes: the stop reason and cumulative usage.
    case messageDelta(AnthropicMessageDelta)
    /// The end of the stream.
    case messageStop
    /// Keep-alive.
    case ping
    /// A failure after the 200 response head, such as `overloaded_error`.
    case error(AnthropicErrorBody.Detail)
    /// An event type not known here (new types may be added; they are to be ignored).
    case unknown(type: String, data: JSONValue)

    /// The SSE event name, which is also the `type` member of the data.
    public var name: String {
        switch self {
        case .messageStart: "message_start"
        case .contentBlockStart: "content_block_start"
        case .contentBlockDelta: "content_block_delta"
        case .contentBlockStop: "content_block_stop"
        case .messageDelta: "message_delta"
        case .messageStop: "message_stop"
        case .ping: "ping"
        case .error: "error"
        case .unknown(let type, _): type
        }
    }

    /// The event framed for SSE: `event: <name>` and `data: <json>`.
    public var sseEvent: SSEEvent {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? #"{"type":"\#(name)"}"#
        return SSEEvent(event: name, data: data)
    }
}

/// The `delta` of a `content_block_delta` event.
public enum AnthropicBlockDelta: Sendable, Hashable {
    /// `{"type":"text_delta","text":…}`
    case text(String)
    /// `{"type":"input_json_delta","partial_json":…}`: a fragment of a tool_use block's `input` JSON.
    case inputJSON(String)
    /// `{"type":"thinking_delta","thinking":…}`
    case thinking(String)
    /// `{"type":"signature_delta","signature":…}`, sent just before a thinking block stops.
    case signature(String)
    /// Any other delta type (`citations_delta`, …), kept as it came.
    case other(JSONValue)
}

/// The payload of a `message_delta` event.
public struct AnthropicMessageDelta: Sendable, Hashable {
    public var stopReason: AnthropicStopReason?
    public var stopSequence: String?
    /// Cumulative counts: `output_tokens`, and on newer API versions the input and cache counts too.
    public var usage: AnthropicUsage?

    public init(stopReason: AnthropicStopReason?, stopSequence: String? = nil, usage: AnthropicUsage?) {
        self.stopReason = stopReason
        self.stopSequence = stopSequence
        self.usage = usage
    }
}

extension AnthropicStreamEvent: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, message, index, delta, usage, error
        case contentBlock = "content_block"
    }

    private struct DeltaBody: Codable {
        var stopReason: AnthropicStopReason?
        var stopSequence: String?

        enum CodingKeys: String, CodingKey {
            case stopReason = "stop_reason"
            case stopSequence = "stop_sequence"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(stopReason, forKey: .stopReason)
            try container.encode(stopSequence, forKey: .stopSequence)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "message_start":
            self = .messageStart(try container.decode(AnthropicMessagesResponse.self, forKey: .message))
        case "content_block_start":
            self = .contentBlockStart(
                index: try container.decode(Int.self, forKey: .index),
                block: try container.decode(AnthropicContentBlock.self, forKey: .contentBlock))
        case "content_block_delta":
            self = .contentBlockDelta(
                index: try container.decode(Int.self, forKey: .index),
                delta: try container.decode(AnthropicBlockDelta.self, forKey: .delta))
        case "content_block_stop":
            self = .contentBlockStop(index: try container.decode(Int.self, forKey: .index))
        case "message_delta":
            let body = try container.decodeIfPresent(DeltaBody.self, forKey: .delta)
            self = .messageDelta(
                AnthropicMessageDelta(
                    stopReason: body?.stopReason, stopSequence: body?.stopSequence,
                    usage: try container.decodeIfPresent(AnthropicUsage.self, forKey: .usage)))
        case "message_stop":
            self = .messageStop
        case "ping":
            self = .ping
        case "error":
            self = .error(try container.decode(AnthropicErrorBody.Detail.self, forKey: .error))
        default:
            self = .unknown(type: type, data: try JSONValue(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if case .unknown(_, let data) = self {
            try data.encode(to: encoder)
            return
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .type)
        switch self {
        case .messageStart(let message):
            try container.encode(message, forKey: .message)
        case .contentBlockStart(let index, let block):
            try container.encode(index, forKey: .index)
            try container.encode(block, forKey: .contentBlock)
        case .contentBlockDelta(let index, let delta):
            try container.encode(index, forKey: .index)
            try container.encode(delta, forKey: .delta)
        case .contentBlockStop(let index):
            try container.encode(index, forKey: .index)
        case .messageDelta(let delta):
            try container.encode(
                DeltaBody(stopReason: delta.stopReason, stopSequence: delta.stopSequence), forKey: .delta)
            try container.encodeIfPresent(delta.usage, forKey: .usage)
        case .error(let detail):
            try container.encode(detail, forKey: .error)
        case .messageStop, .ping, .unknown:
            break
        }
    }
}

extension AnthropicBlockDelta: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, text, thinking, signature
        case partialJSON = "partial_json"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "text_delta": self = .text(try container.decode(String.self, forKey: .text))
        case "input_json_delta": self = .inputJSON(try container.decode(String.self, forKey: .partialJSON))
        case "thinking_delta": self = .thinking(try container.decode(String.self, forKey: .thinking))
        case "signature_delta": self = .signature(try container.decode(String.self, forKey: .signature))
        default: self = .other(try JSONValue(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if case .other(let value) = self {
            try value.encode(to: encoder)
            return
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text):
            try container.encode("text_delta", forKey: .type)
            try container.encode(text, forKey: .text)
        case .inputJSON(let json):
            try container.encode("input_json_delta", forKey: .type)
            try container.encode(json, forKey: .partialJSON)
        case .thinking(let thinking):
            try container.encode("thinking_delta", forKey: .type)
            try container.encode(thinking, forKey: .thinking)
        case .signature(let signature):
            try container.encode("signature_delta", forKey: .type)
            try container.encode(signature, forKey: .signature)
        case .other:
            break
        }
    }
}
