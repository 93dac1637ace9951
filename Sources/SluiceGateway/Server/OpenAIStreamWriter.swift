import Foundation
import Hummingbird
import Logging
import NIOCore
import SluiceAPI
import SluiceProviders

/// Writes a canonical chunk stream to the client as OpenAI SSE, one event per chunk as it arrives.
///
/// Upstreams are always asked for the usage chunk; it is passed on only when the caller asked for it
/// (`stream_options.include_usage`), and usage is stripped from other chunks otherwise. A failure in the
/// middle of the stream ends it with an error event in the OpenAI shape (`data: {"error": {...}}`),
/// which the OpenAI SDKs raise as an error. When the client goes away, the write fails, the loop ends,
/// and dropping the stream cancels the upstream request.
///
/// With a ledger, the final usage-only chunk is held back until the usage record is durable, then sent
/// with the cost as an SSE comment (`: x-sluice-cost 0.00012 USD`) before `[DONE]`.
struct OpenAIStreamWriter: Sendable {
    let stream: ChatStream
    let includeUsage: Bool
    let logger: Logger
    let model: String
    let account: RequestAccounting?

    func body() -> ResponseBody {
        ResponseBody { writer in
            let encoder = JSONEncoder()
            var tally = StreamAccount(account)
            var heldUsageChunk: ChatChunk?
            do {
                for try await var chunk in stream {
                    tally.saw(chunk)
                    if chunk.choices.isEmpty && chunk.usage != nil {
                        if includeUsage { heldUsageChunk = chunk }
                        continue
                    }
                    if !includeUsage { chunk.usage = nil }
                    try await writer.write(ByteBuffer(bytes: SSEEncoder.data(try encoder.encode(chunk))))
                }
                let cost = try await tally.finished()
                if let heldUsageChunk {
                    try await writer.write(ByteBuffer(bytes: SSEEncoder.data(try encoder.encode(heldUsageChunk))))
                }
                if let cost { try await writer.write(ByteBuffer(string: ": x-sluice-cost \(cost.headerValue)\n\n")) }
                try await writer.write(ByteBuffer(bytes: SSEEncoder.done))
            } catch let error as ProviderError {
                logger.warning("stream failed upstream", metadata: ["model": "\(model)", "error": "\(error)"])
                try await tally.failed(error.apiError)
                let data = try encoder.encode(error.apiError.body)
                try await writer.write(ByteBuffer(bytes: SSEEncoder.data(data)))
            } catch {
                await tally.abandoned()
                throw error
            }
            if let usage = tally.usage {
                logger.info(
                    "streamed",
                    metadata: ["model": "\(model)", "prompt_tokens": "\(usage.promptTokens)",
                               "completion_tokens": "\(usage.completionTokens)", "cached_tokens": "\(usage.cachedTokens)"])
            }
            try await writer.finish(nil)
        }
    }
}
