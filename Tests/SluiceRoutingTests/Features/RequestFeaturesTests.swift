import Foundation
import SluiceAPI
import Testing

@testable import SluiceRouting

@Suite struct RequestFeaturesTests {
    static func request(_ json: String) throws -> ChatRequest {
        try JSONDecoder().decode(ChatRequest.self, from: Data(json.utf8))
    }

    @Test func countsTurnsTokensAndQuestion() throws {
        let long = String(repeating: "word ", count: 400)  // 2,000 ASCII characters: about 500 tokens
        let chat = try Self.request(#"""
        {"model":"auto","messages":[
          {"role":"system","content":"You are terse."},
          {"role":"user","content":"\#(long)"},
          {"role":"assistant","content":"ok"},
          {"role":"user","content":"And now?"}]}
        """#)
        let features = RequestFeatures(chat)
        #expect(features.turns == 2)
        #expect(features.messageCount == 4)
        #expect(features.question == "And now?")
        #expect(features.system == "You are terse.")
        #expect(features.lastUserTokens == 2)
        #expect((500...520).contains(features.conversationTokens))
        #expect(features.promptTokens > features.conversationTokens)
        #expect(!features.hasTools && !features.wantsJSON && !features.hasImages && !features.wantsReasoning)
        #expect(features.cjkShare == 0)
    }

    @Test func flagsToolsJSONImagesReasoning() throws {
        let chat = try Self.request(#"""
        {"model":"auto","reasoning_effort":"high","response_format":{"type":"json_object"},
         "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
         "messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}]}
        """#)
        let features = RequestFeatures(chat)
        #expect(features.hasTools && features.wantsJSON && features.hasImages && features.wantsReasoning)
        #expect(features.question == "What is this?")
        var plain = chat
        plain.reasoningEffort = "none"
        #expect(!RequestFeatures(plain).wantsReasoning)
        plain.sluice = ["thinking": true]
        #expect(RequestFeatures(plain).wantsReasoning)
    }

    @Test func cjkShareAndTokenEstimate() {
        let chinese = TextStats("请证明这个定理")  // 7 Han characters
        #expect(chinese.cjkCharacters == 7)
        #expect(chinese.estimatedTokens == 7)
        let mixed = RequestFeatures(messages: [ChatMessage(role: .user, content: .text("证明 abc"))])
        #expect(abs(mixed.cjkShare - 0.4) < 1e-9)  // 2 Han characters among 5 letters
        #expect(TextStats("hello world!").estimatedTokens == 3)
        #expect(TextStats("").estimatedTokens == 0)
    }
}
