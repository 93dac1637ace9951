import Foundation
import Hummingbird
import Logging
import NIOCore
import SluiceAPI
import SluiceProviders

/// The part of the pipeline shared by both ingress formats: find the model, check the request
/// against it, and call the provider.
struct ChatResponder: Sendable {
    let registry: ModelRegistry

    /// The provider for a validated request, or the 4xx that says why there is none.
    func provider(for request: ChatRequest) throws -> any ChatProvider {
        guard let provider = registry[request.model] else {
            if registry.isEmpty {
                throw APIError(
                    status: 404,
                    message: "No model is configured. Start Sluice with --config sluice.yaml or --model NAME=KIND:BASE_URL.",
                    type: "invalid_request_error", param: "model", code: "model_not_found")
            }
            throw APIError.modelNotFound(request.model)
        }
        do {
            try provider.check(request)
        } catch {
            throw error.apiError
        }
        return provider
    }

    /// The provider context for one request.
    func providerContext(_ context: SluiceRequestContext) -> SluiceProviders.RequestContext {
        SluiceProviders.RequestContext(requestID: context.requestID, logger: context.logger)
    }

    /// Headers every successful chat response carries.
    func decisionHeaders(_ provider: any ChatProvider, contentType: String) -> HTTPFields {
        [
            .contentType: contentType,
            .sluiceModel: provider.endpoint.name,
            .sluiceRouteReason: "requested",
        ]
    }
}

extension ProviderError: ProviderErrorConvertible {}

/// JSON response bodies.
enum JSONResponse {
    static func body(_ value: some Encodable) throws -> ResponseBody {
        let data = try JSONEncoder().encode(value)
        return ResponseBody(byteBuffer: ByteBuffer(bytes: data))
    }
}
