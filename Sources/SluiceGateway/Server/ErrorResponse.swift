import Foundation
import Hummingbird
import NIOCore
import SluiceAPI

/// Builds error responses in the shape the caller's API expects.
enum ErrorResponse {
    /// Which error shape a path uses.
    enum Shape {
        case openAI
        case anthropic
    }

    static func shape(for path: String) -> Shape {
        path.hasPrefix("/v1/messages") ? .anthropic : .openAI
    }

    /// The response for an error, with `Retry-After` when the error carries one.
    static func make(_ error: APIError, shape: Shape) -> Response {
        let data: Data
        switch shape {
        case .openAI:
            data = (try? JSONEncoder().encode(error.body)) ?? Data()
        case .anthropic:
            data = (try? JSONEncoder().encode(AnthropicBridge.errorBody(for: error))) ?? Data()
        }
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = retryAfter }
        return Response(
            status: HTTPResponse.Status(code: error.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Maps anything thrown by a handler to the error the client sees.
    static func apiError(for error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as any ProviderErrorConvertible:
            return error.apiError
        case let error as HTTPError:
            switch error.status {
            case .notFound: return .notFound("Unknown path. See GET /v1/models, POST /v1/chat/completions, POST /v1/messages.")
            case .methodNotAllowed: return .methodNotAllowed("Method not allowed for this path.")
            case .contentTooLarge:
                return APIError(
                    status: 413, message: "Request body is too large.", type: "invalid_request_error",
                    code: "request_too_large")
            default:
                return APIError(
                    status: Int(error.status.code), message: error.body ?? error.status.reasonPhrase,
                    type: error.status.code >= 500 ? "server_error" : "invalid_request_error")
            }
        case let error as DecodingError:
            return APIError(decoding: error)
        default:
            return .internalError("An internal error occurred. Quote the x-sluice-request-id when you report it.")
        }
    }
}

/// Errors that know how they look to a client.
protocol ProviderErrorConvertible: Error {
    var apiError: APIError { get }
}
