import SluiceAPI

/// Affinity keys: which requests should go to the same replica, so that a self-hosted replica's prefix
/// KV cache is reused.
///
/// A conversation resends its whole history every turn, so turn 1, 2, and 3 share their beginning: the
/// system prompt(s) and the first user message. ``key(messages:)`` hashes exactly that part, so every turn
/// of a conversation gets the same key, and conversations that differ there get different keys.
///
/// The hash is FNV-1a 64, stable across processes and machines (unlike `Hasher`), so several gateway
/// replicas send the same conversation to the same upstream replica.
public enum PrefixAffinity {
    /// The affinity key of a conversation, or `nil` when it has no user message.
    ///
    /// Hashes, in order, every `system` and `developer` message before the first `user` message, then the
    /// first `user` message: each message's role and its text (the text parts of multi-part content;
    /// images and audio are left out). Messages after the first user message do not count.
    public static func key(messages: [ChatMessage]) -> UInt64? {
        guard let firstUser = messages.firstIndex(where: { $0.role == .user }) else { return nil }
        var hash = fnvOffsetBasis
        for message in messages[..<firstUser] where message.role == .system || message.role == .developer {
            feed(message, into: &hash)
        }
        feed(messages[firstUser], into: &hash)
        return hash
    }

    /// The affinity key of an explicit session identifier, such as a client's session or user id, for
    /// callers that name their conversations.
    public static func key(session: String) -> UInt64 {
        fnv1a(session.utf8)
    }

    /// FNV-1a 64 of `bytes`.
    static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash = fnvOffsetBasis
        fnv1a(bytes, into: &hash)
        return hash
    }

    private static let fnvOffsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    private static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3

    private static func fnv1a(_ bytes: some Sequence<UInt8>, into hash: inout UInt64) {
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= fnvPrime
        }
    }

    /// Feeds a message's role, its text, and a terminator into the hash. The terminator, 0xFF, never
    /// occurs in UTF-8, so the boundaries between messages are unambiguous.
    private static func feed(_ message: ChatMessage, into hash: inout UInt64) {
        fnv1a(message.role.rawValue.utf8, into: &hash)
        fnv1a(CollectionOfOne(0xFF), into: &hash)
        fnv1a((message.content?.text ?? "").utf8, into: &hash)
        fnv1a(CollectionOfOne(0xFF), into: &hash)
    }
}
