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
struct OpenAIStreamWriter: Sendable {
    let stream: ChatStream
    let includeUsage: Bool
    let logger: Logger
    let model: String

    func body() -> ResponseBody {
        ResponseBody { writer in
            let encoder = JSONEncoder()
            var usage: Usage?
            do {
                for try await var chunk in stream {
                    if let chunkUsage = chunk.usage { usage = chunkUsage }
                    if !includeUsage {
                        if chunk.choices.isEmpty && chunk.usage != nil { continue }
                        chunk.usage = nil
                    }
                    let data = try encoder.encode(chunk)
                    try await writer.write(ByteBuffer(bytes: SSEEncoder.data(data)))
                }
                try await writer.write(ByteBuffer(bytes: SSEEncoder.done))
            } catch let error as ProviderError {
                logger.warning("stream failed upstream", metadata: ["model": "\(model)", "error": "\(error)"])
                let data = try encoder.encode(error.apiError.body)
                try await writer.write(ByteBuffer(bytes: SSEEncoder.data(data)))
            }
            if let usage {
                logger.info(
                    "streamed",
                    metadata: ["model": "\(model)", "prompt_tokens": "\(usage.promptTokens)",
                               "completion_tokens": "\(usage.completionTokens)", "cached_tokens": "\(usage.cachedTokens)"])
            }
            try await writer.finish(nil)
        }
    }
}
