import AsyncHTTPClient
import Foundation
import NIOCore
import SluiceAPI
import SluiceTesting
import Testing

@testable import SluiceProviders

/// Feeds documented Anthropic event streams straight into the chunk source, split at awkward places.
@Suite struct AnthropicChunkSourceTests {
    private func source(_ stream: String, jsonTool: String? = nil) -> AnthropicChunkSource {
        let bytes = Array(stream.utf8)
        let (body, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
        for start in stride(from: 0, to: bytes.count, by: 37) {
            continuation.yield(ByteBuffer(bytes: bytes[start..<min(start + 37, bytes.count)]))
        }
        continuation.finish()
        let response = HTTPClientResponse(status: .ok, headers: ["content-type": "text/event-stream"], body: .stream(body))
        return AnthropicChunkSource(
            events: SSEEventSource(response: response, upstream: "claude"), upstream: "claude", jsonTool: jsonTool)
    }

    private func drain(_ source: AnthropicChunkSource) async throws -> [ChatChunk] {
        var chunks: [ChatChunk] = []
        while let chunk = try await source.next() { chunks.append(chunk) }
        return chunks
    }

    /// The guide's "Streaming request with tool use" response (abridged): text at index 0, tool_use at 1.
    static let documentedToolStream = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-opus-4-1-20250805","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2},"content":[],"stop_reason":null}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: ping
        data: {"type": "ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Okay"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":", let's check."}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\":"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \\"San Francisco, CA\\"}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

        event: message_stop
        data: {"type":"message_stop"}


        """

    @Test func documentedToolStream() async throws {
        let chunks = try await drain(source(Self.documentedToolStream))
        #expect(chunks.first?.choices.first?.delta.role == .assistant)
        #expect(chunks.allSatisfy { $0.id == "msg_014p7gG3wDgGV9EUtLvnow3U" && $0.model == "claude-opus-4-1-20250805" })
        let content = chunks.compactMap { $0.choices.first?.delta.content }.joined()
        #expect(content == "Okay, let's check.")
        let calls = chunks.compactMap { $0.choices.first?.delta.toolCalls?.first }
        #expect(calls.allSatisfy { $0.index == 0 })
        #expect(calls.first?.id == "toolu_01T1x1fJ34qAmk2tNTrN7Up6")
        #expect(calls.first?.function?.name == "get_weather")
        #expect(calls.compactMap { $0.function?.arguments }.joined() == #"{"location": "San Francisco, CA"}"#)
        #expect(chunks.compactMap { $0.choices.first?.finishReason } == [.toolCalls])
        let usage = try #require(chunks.last?.usage)
        #expect(chunks.last?.choices.isEmpty == true)
        #expect(usage.promptTokens == 472)
        #expect(usage.completionTokens == 89)
    }

    @Test func errorEventMidStreamThrowsUpstreamFailure() async throws {
        let stream = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}

            event: error
            data: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}


            """
        let source = source(stream)
        var received: [ChatChunk] = []
        let error = await #expect(throws: ProviderError.self) {
            while let chunk = try await source.next() { received.append(chunk) }
        }
        #expect(received.compactMap { $0.choices.first?.delta.content }.joined() == "Hel")
        guard case .upstream(let failure)? = error else { Issue.record("not an upstream failure"); return }
        #expect(failure.status == 503)
        #expect(failure.type == "overloaded_error")
        #expect(failure.message == "Overloaded")
    }

    @Test func streamWithoutMessageStopIsInvalid() async throws {
        let stream = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null}}


            """
        let error = await #expect(throws: ProviderError.self) { _ = try await drain(source(stream)) }
        guard case .invalidResponse? = error else { Issue.record("expected invalidResponse, got \(String(describing: error))"); return }
    }

    @Test func slowStreamCanBeAbandoned() async throws {
        try await withFakeAnthropic { provider, recorder in
            var seen = 0
            for try await chunk in try await provider.stream(anthropicChat("slow: count"), context: anthropicTestContext)
            where chunk.choices.first?.delta.content?.isEmpty == false {
                seen += 1
                if seen == 3 { break }
            }
            #expect(seen == 3)
            // The upstream sees the client go away before it has written its 200 fragments (20 ms
            // apart): chunks were handed out as they came, and dropping the stream ended the request.
            for _ in 0..<500 where recorder.cancelledStreams == 0 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(recorder.cancelledStreams == 1)
        }
    }
}
