import Hummingbird
import SluiceAPI

/// `GET /v1/models`: the configured models in the OpenAI list shape.
struct ModelsRoute: Sendable {
    let models: [ModelConfig]
    /// Route names, listed after the models (owned by `sluice:route`).
    var routes: [String] = []

    struct ModelList: Encodable {
        struct Entry: Encodable {
            var id: String
            var object = "model"
            var created = 0
            var ownedBy: String

            enum CodingKeys: String, CodingKey { case id, object, created, ownedBy = "owned_by" }
        }

        var object = "list"
        var data: [Entry]
    }

    func handle(_ request: Request, context: SluiceRequestContext) throws -> Response {
        let list = ModelList(
            data: models.map { .init(id: $0.name, ownedBy: "sluice:\($0.endpoint.kind.rawValue)") }
                + routes.map { .init(id: $0, ownedBy: "sluice:route") })
        return Response(status: .ok, headers: [.contentType: "application/json"], body: try JSONResponse.body(list))
    }
}
