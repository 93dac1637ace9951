import AsyncHTTPClient
import Foundation
import NIOCore
import SluiceAPI
import SluiceGateway
import SluiceProviders
import SluiceTesting
import Testing

/// Health, readiness, disconnects, and graceful shutdown.
@Suite("Lifecycle")
struct LifecycleTests {
    @Test("healthz and readyz when models are configured")
    func healthAndReady() async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                #expect(try await gateway.send("/healthz", method: .GET).status == 200)
                let ready = try await gateway.send("/readyz", method: .GET)
                #expect(ready.status == 200)
                #expect(ready.json?["status"] == "ready")
            }
        }
    }

    @Test("with no model configured, readyz says so and chat gets a clear 404")
    func noModel() async throws {
        try await GatewayHarness.with(GatewayConfig()) { gateway in
            let ready = try await gateway.send("/readyz", method: .GET)
            #expect(ready.status == 503)
            #expect(ready.json?["reason"]?.stringValue == "no model is configured")
            let reply = try await gateway.send(
                "/v1/chat/completions", body: #"{"model":"local","messages":[{"role":"user","content":"hi"}]}"#)
            #expect(reply.status == 404)
            #expect(reply.json?["error"]?["message"]?.stringValue?.contains("No model is configured") == true)
        }
    }

    @Test("a client that disconnects mid-stream cancels the upstream request")
    func disconnectCancelsUpstream() async throws {
        let recorder = RecordedRequests()
        try await Upstreams.with(recorder: recorder) { config in
            try await GatewayHarness.with(config) { gateway in
                var request = HTTPClientRequest(url: gateway.base + "/v1/chat/completions")
                request.method = .POST
                request.headers.add(name: "content-type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: #"{"model":"gpt","stream":true,"messages":[{"role":"user","content":"slow: please"}]}"#))
                let reader = Task {
                    let response = try await gateway.client.execute(request, timeout: .seconds(30))
                    var received = 0
                    for try await part in response.body {
                        received += part.readableBytes
                        if String(buffer: part).contains("tick 2") { break }
                    }
                    return received
                }
                let received = try await reader.value
                #expect(received > 0)
                // Leaving the loop dropped the response: AsyncHTTPClient closes that connection.
                var waited = 0
                while recorder.cancelledStreams == 0 && waited < 100 {
                    try await Task.sleep(for: .milliseconds(50))
                    waited += 1
                }
                #expect(recorder.cancelledStreams == 1, "the upstream saw its client (Sluice) go away")
                #expect(waited < 60, "well before the 4 s the stream would take")
            }
        }
    }

    @Test("graceful shutdown lets an in-flight stream finish")
    func gracefulShutdown() async throws {
        try await Upstreams.with { config in
            try await GatewayHarness.with(config) { gateway in
                var request = HTTPClientRequest(url: gateway.base + "/v1/chat/completions")
                request.method = .POST
                request.headers.add(name: "content-type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: #"{"model":"gpt","stream":true,"messages":[{"role":"user","content":"slow: please"}]}"#))
                let response = try await gateway.client.execute(request, timeout: .seconds(60))
                var text = ""
                var shutdownTriggered = false
                for try await part in response.body {
                    text += String(buffer: part)
                    if !shutdownTriggered {
                        shutdownTriggered = true
                        await gateway.group.triggerGracefulShutdown()
                    }
                }
                #expect(text.contains("tick 199"))
                #expect(text.hasSuffix("data: [DONE]\n\n"))
            }
        }
    }
}
