/// Turns generated token ids into text chunks that never split a UTF-8 character, for streaming output.
///
/// Combines `Tokenizer.pieceBytes` with `UTF8StreamDecoder`. Control tokens (such as `<|im_end|>`) produce
/// no text unless `includeSpecial` is set.
public struct TokenizerTextStream: Sendable {
    private let tokenizer: Tokenizer
    private let includeSpecial: Bool
    private var decoder: UTF8StreamDecoder = UTF8StreamDecoder()

    /// A stream decoding with `tokenizer`.
    public init(tokenizer: Tokenizer, includeSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.includeSpecial = includeSpecial
    }

    /// Adds one token and returns the text it completes (empty while a character is still incomplete).
    public mutating func append(_ id: Int32) -> String {
        decoder.decode(tokenizer.pieceBytes(id, includeSpecial: includeSpecial))
    }

    /// Whether bytes of an unfinished character are held back.
    public var hasPendingBytes: Bool { decoder.hasPendingBytes }

    /// Ends the stream, returning held-back bytes (an unfinished character becomes U+FFFD).
    public mutating func finish() -> String {
        decoder.finish()
    }
}
