import SluiceAPI

/// A backend that answers chat requests. One implementation per backend kind
/// (OpenAI-compatible, Anthropic, Gemini, the built-in engine).
///
/// The request a provider receives is canonical and already validated; its `model` is the name the
/// caller used. The provider sends ``ModelEndpoint/upstreamModel`` upstream instead, and translates the
/// answer back into canonical responses or chunks. Failures are thrown as ``ProviderError``.
public protocol ChatProvider: Sendable {
    /// The endpoint this provider serves.
    var endpoint: ModelEndpoint { get }

    /// Sends the request and returns the complete response.
    func complete(_ request: ChatRequest, context: RequestContext) async throws -> ChatResponse

    /// Sends the request and returns the response as a stream of chunks, translated one by one as
    /// they arrive. The stream throws ``ProviderError`` if the upstream fails mid-way. Errors before the
    /// first chunk (status codes, connection failures) are thrown by this call itself. Dropping the
    /// stream (the client went away) cancels the upstream request.
    func stream(_ request: ChatRequest, context: RequestContext) async throws -> ChatStream

    /// Throws a 400 for request members this backend cannot honour (checked before any upstream call).
    func check(_ request: ChatRequest) throws(ProviderError)
}

extension ChatProvider {
    public func check(_ request: ChatRequest) throws(ProviderError) {}
}
