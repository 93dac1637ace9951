import Foundation
import SluiceAPI
import SluiceLedger

/// The exact-match response cache as the gateway uses it: which requests may use it, and the
/// fingerprint that identifies a request.
///
/// A request uses the cache when it asks (`"sluice": {"cache": true}`) or its key has the cache on
/// (and the request does not say `"cache": false`). Only non-streamed requests are cached. Entries
/// are scoped to the key's owner, so one tenant never reads another's answers.
struct ResponseCaching: Sendable {
    let cache: ResponseCache

    /// Whether `chat` from `key` reads and fills the cache.
    static func applies(to chat: ChatRequest, key: VirtualKey?) -> Bool {
        guard !chat.isStreaming else { return false }
        if let asked = chat.sluice?["cache"]?.boolValue { return asked }
        return key?.responseCache ?? false
    }

    /// The fingerprint of a normalised request: the answering model, the caller's scope, and every
    /// parameter that can change the answer, encoded with sorted keys. Stream options, `user`,
    /// `metadata` and the `sluice` extension are left out.
    func key(for chat: ChatRequest, model: String, key: VirtualKey?) throws -> CacheKey {
        var normalised = chat
        normalised.model = model
        normalised.stream = nil
        normalised.streamOptions = nil
        normalised.user = nil
        normalised.metadata = nil
        normalised.sluice = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes = Array("scope:\(key?.owner ?? "-")\n".utf8)
        bytes += try encoder.encode(normalised)
        return ResponseCache.fingerprint(bytes)
    }
}
