import Foundation
import SluiceAPI

/// An upper bound on a request's prompt tokens, computed without a tokenizer: every byte-level BPE
/// token covers at least one UTF-8 byte, so the byte count of the text bounds the token count, plus
/// a per-message allowance for the chat template's role markers and a fixed allowance per image.
enum PromptBound {
    static let perMessage = 16
    static let perImage = 3_000
    static let perRequest = 32

    static func tokens(of request: ChatRequest) -> Int {
        var total = perRequest
        for message in request.messages {
            total += perMessage + (message.name?.utf8.count ?? 0)
            switch message.content {
            case .text(let text):
                total += text.utf8.count
            case .parts(let parts):
                for part in parts {
                    switch part {
                    case .text(let text): total += text.utf8.count
                    case .imageURL: total += perImage
                    case .inputAudio(let data, _): total += data.utf8.count
                    case .other(let value): total += encodedSize(value)
                    }
                }
            case nil:
                break
            }
            for call in message.toolCalls ?? [] {
                total += perMessage + call.function.name.utf8.count + call.function.arguments.utf8.count
            }
            total += message.reasoningContent?.utf8.count ?? 0
        }
        if let tools = request.tools { total += tools.count * perMessage + encodedSize(tools) }
        if let format = request.responseFormat { total += encodedSize(format) }
        return total
    }

    /// The size of a value's JSON (only for the rarer parts of a request: tools, schemas, unknown parts).
    private static func encodedSize(_ value: some Encodable) -> Int {
        (try? JSONEncoder().encode(value).count) ?? 0
    }
}
