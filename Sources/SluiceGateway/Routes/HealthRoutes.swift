import Foundation
import Hummingbird
import NIOCore

/// `GET /healthz` (the process is up) and `GET /readyz` (it can serve: at least one model is configured
/// and every local model is loaded).
struct HealthRoutes: Sendable {
    let readiness: @Sendable () -> Readiness

    /// What `/readyz` reports.
    enum Readiness: Sendable {
        case ready
        case notReady(String)
    }

    func health(_ request: Request, context: SluiceRequestContext) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
    }

    func ready(_ request: Request, context: SluiceRequestContext) -> Response {
        switch readiness() {
        case .ready:
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ready"}"#)))
        case .notReady(let reason):
            let escaped = reason.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return Response(
                status: .serviceUnavailable, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"not_ready","reason":""# + escaped + #""}"#)))
        }
    }
}
