import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SluiceAPI

/// The HTTP leg shared by every remote provider: sends a JSON request over the pooled client, maps
/// transport failures and error statuses to ``ProviderError``, and hands back the response body.
public struct UpstreamHTTP: Sendable {
    /// The pooled client (keep-alive, HTTP/1.1 and HTTP/2 by ALPN).
    public let client: HTTPClient

    public init(client: HTTPClient) {
        self.client = client
    }

    /// Reads an error body and returns what it says: the message, type, code, and param. Each provider
    /// knows its own error shape.
    public typealias ErrorParser = @Sendable (_ status: Int, _ body: [UInt8]) -> UpstreamFailure

    /// Sends `body` as a POST and returns the response once its head has arrived with a 2xx status.
    ///
    /// - Throws: ``ProviderError`` for a transport failure, a timeout before the head, or an error status
    ///   (whose body is read, up to 1 MiB, and parsed with `parseError`).
    public func post(
        url: String, headers: HTTPHeaders, body: ByteBuffer, endpoint: ModelEndpoint, logger: Logger,
        parseError: ErrorParser
    ) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = headers
        request.headers.replaceOrAdd(name: "content-type", value: "application/json")
        for (name, value) in endpoint.headers { request.headers.replaceOrAdd(name: name, value: value) }
        request.body = .bytes(body)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(
                request, deadline: .now() + .milliseconds(Int64(endpoint.timeouts.firstByte * 1000)), logger: logger)
        } catch {
            throw Self.map(error, upstream: endpoint.name)
        }
        guard (200..<300).contains(Int(response.status.code)) else {
            let bytes = try await Self.collect(response.body, limit: 1 << 20, upstream: endpoint.name)
            var failure = parseError(Int(response.status.code), bytes)
            failure.retryAfter = failure.retryAfter ?? response.headers.first(name: "retry-after")
            throw ProviderError.upstream(failure)
        }
        return response
    }

    /// Collects a whole body, mapping transport failures.
    public static func collect(_ body: HTTPClientResponse.Body, limit: Int, upstream: String) async throws -> [UInt8] {
        do {
            var buffer = try await body.collect(upTo: limit)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            throw map(error, upstream: upstream)
        }
    }

    /// Maps a failure of the HTTP client to a ``ProviderError``. Cancellation passes through unchanged.
    public static func map(_ error: any Error, upstream: String) -> any Error {
        if error is CancellationError || error is ProviderError { return error }
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return ProviderError.timeout(upstream: upstream, message: "no response in time (\(clientError))")
            case .connectTimeout, .socksHandshakeTimeout, .tlsHandshakeTimeout:
                return ProviderError.timeout(upstream: upstream, message: "could not connect in time (\(clientError))")
            case .cancelled:
                return CancellationError()
            case .bodyLengthMismatch:
                return ProviderError.invalidResponse(upstream: upstream, message: "\(clientError)")
            default:
                return ProviderError.transport(upstream: upstream, message: "\(clientError)")
            }
        }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return ProviderError.timeout(upstream: upstream, message: "could not connect in time")
        }
        return ProviderError.transport(upstream: upstream, message: "\(error)")
    }

    /// Parses an OpenAI-shaped error body (`{"error":{"message","type","param","code"}}`), which most
    /// upstreams use; anything else becomes the raw text.
    public static func openAIError(upstream: String, status: Int, body: [UInt8]) -> UpstreamFailure {
        struct Envelope: Decodable { var error: APIErrorBody.Detail }
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body)) {
            return UpstreamFailure(
                upstream: upstream, status: status, message: envelope.error.message,
                type: envelope.error.type.isEmpty ? nil : envelope.error.type, code: envelope.error.code,
                param: envelope.error.param)
        }
        // Some servers (older vLLM, Ollama) send {"error":"text"} or {"message":...}.
        if let object = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) {
            if let text = object["error"]?.stringValue ?? object["message"]?.stringValue ?? object["detail"]?.stringValue {
                return UpstreamFailure(upstream: upstream, status: status, message: text)
            }
        }
        let text = String(decoding: body.prefix(2000), as: UTF8.self)
        return UpstreamFailure(upstream: upstream, status: status, message: text.isEmpty ? "HTTP \(status)" : text)
    }
}
