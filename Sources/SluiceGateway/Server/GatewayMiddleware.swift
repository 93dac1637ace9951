import Hummingbird
import Logging
import SluiceAPI
import SluiceLedger

/// Gives every request an id, turns every thrown error into a well-formed error response (OpenAI shape,
/// or Anthropic shape on `/v1/messages`), stamps `x-sluice-request-id` on every response, and logs one
/// line per request. Headers are never logged, so keys never are.
struct GatewayMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext

    let requestIDs = CountedIDs(prefix: "req_", randomHexDigits: 8)

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let requestID = requestIDs.next()
        context.requestID = requestID
        context.logger[metadataKey: "request_id"] = .string(requestID)
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let apiError = ErrorResponse.apiError(for: error)
            if apiError.status >= 500 {
                context.logger.error("request failed", metadata: ["status": "\(apiError.status)", "error": "\(error)", "route_reason": "\((error as? RoutedFailure)?.reason ?? "-")"])
            } else {
                context.logger.info(
                    "request rejected",
                    metadata: ["status": "\(apiError.status)", "type": "\(apiError.type)", "message": "\(apiError.message)"])
            }
            response = ErrorResponse.make(apiError, shape: ErrorResponse.shape(for: request.uri.path))
            if let routed = error as? RoutedFailure { response.headers[.sluiceRouteReason] = routed.reason }
        }
        response.headers[.sluiceRequestID] = requestID
        return response
    }
}
