import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import SluiceAPI
import SluiceGateway
import SluiceProviders
import SluiceTesting

/// Runs a real gateway on a free port for a test, talking to it over a real HTTP client.
struct GatewayHarness: Sendable {
    let port: Int
    let client: HTTPClient
    let group: ServiceGroup

    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts the gateway with `config` (port forced to 0), runs `body`, then shuts everything down.
    static func with<R: Sendable>(
        _ config: GatewayConfig, logger: Logger? = nil, _ body: @Sendable (GatewayHarness) async throws -> R
    ) async throws -> R {
        var config = config
        config.server.port = 0
        var logger = logger ?? Logger(label: "sluice.test")
        if logger.logLevel != .trace { logger.logLevel = .critical }
        let gateway = try await Gateway(config: config, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = gateway.makeServiceGroup(gracefulShutdownSignals: []) { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }
        // Bursts of hundreds of requests wait for pooled connections; on a starved CI machine that can
        // take longer than the client's default connect timeout.
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.timeout.connect = .seconds(60)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            let harness = GatewayHarness(port: port, client: client, group: group)
            do {
                let result = try await body(harness)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                try await client.shutdown()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                tasks.cancelAll()
                try? await client.shutdown()
                throw error
            }
        }
    }

    /// A response with its whole body.
    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: String

        var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(body.utf8)) }
        /// `error.type` of an OpenAI-shaped error body.
        var errorType: String? { json?["error"]?["type"]?.stringValue }
        var errorParam: String? { json?["error"]?["param"]?.stringValue }
        /// The `data:` payloads of an SSE body.
        var events: [SSEEvent] {
            var decoder = SSEDecoder()
            var events = decoder.feed(Array(body.utf8))
            if let last = decoder.finish() { events.append(last) }
            return events
        }
    }

    /// Sends a request and collects the reply.
    func send(
        _ path: String, method: HTTPMethod = .POST, body: String? = nil, headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 32 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }
}

/// Fake upstreams served for the length of a test.
enum Upstreams {
    /// Runs the three fakes (OpenAI-compatible, Anthropic, Gemini) and a config naming a model on each.
    static func with<R: Sendable>(
        recorder: RecordedRequests = RecordedRequests(),
        _ body: @Sendable (GatewayConfig) async throws -> R
    ) async throws -> R {
        try await LiveServer.with(FakeOpenAI.router(recorder: recorder)) { openAIPort in
            try await LiveServer.with(FakeAnthropic.router(recorder: recorder)) { anthropicPort in
                try await LiveServer.with(FakeGemini.router(recorder: recorder)) { geminiPort in
                    let config = GatewayConfig(models: [
                        ModelConfig(endpoint: ModelEndpoint(
                            name: "gpt", kind: .openai, upstreamModel: "fake-gpt",
                            baseURL: "http://127.0.0.1:\(openAIPort)/v1", apiKey: FakeOpenAI.apiKey)),
                        ModelConfig(endpoint: ModelEndpoint(
                            name: "claude", kind: .anthropic, upstreamModel: "claude-fake",
                            baseURL: "http://127.0.0.1:\(anthropicPort)", apiKey: "test-anthropic-key")),
                        ModelConfig(endpoint: ModelEndpoint(
                            name: "gemini", kind: .gemini, upstreamModel: "gemini-fake",
                            baseURL: "http://127.0.0.1:\(geminiPort)/v1beta", apiKey: "test-gemini-key")),
                    ])
                    return try await body(config)
                }
            }
        }
    }
}
