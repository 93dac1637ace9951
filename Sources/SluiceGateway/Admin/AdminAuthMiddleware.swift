import Hummingbird
import SluiceAPI
import SluiceLedger

/// Guards `/admin/*`: the caller must present the configured admin key as a bearer token. Without an
/// admin key in the config, or without a ledger, the admin API is closed.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext

    let adminKey: String?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let adminKey else {
            throw APIError(
                status: 403, message: "The admin API is disabled: set auth.admin_key (env:NAME) and a ledger in sluice.yaml.",
                type: "invalid_request_error", code: "admin_disabled")
        }
        guard let presented = ChatResponder.secret(in: request), !presented.isEmpty else {
            throw APIError(
                status: 401, message: "The admin API needs the admin key as 'Authorization: Bearer …'.",
                type: "invalid_request_error", code: "missing_api_key")
        }
        guard KeySecret.constantTimeEquals(presented, adminKey) else {
            throw APIError(status: 401, message: "Incorrect admin key.", type: "invalid_request_error", code: "invalid_api_key")
        }
        return try await next(request, context)
    }
}
