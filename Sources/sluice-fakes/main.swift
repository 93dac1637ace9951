import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SluiceTesting
import Synchronization

/// Serves the fake OpenAI-compatible, Anthropic, and Gemini upstreams on free loopback ports until
/// SIGTERM or SIGINT, and prints their ports as one JSON line once all three listen:
/// `{"openai":P1,"anthropic":P2,"gemini":P3}`.
@main
struct SluiceFakes {
    static func main() async throws {
        var logger = Logger(label: "sluice-fakes")
        logger.logLevel = .warning
        let ports = PortBoard(names: ["openai", "anthropic", "gemini"])
        let recorder = RecordedRequests()
        func app(_ router: Router<BasicRequestContext>, _ name: String) -> some Service {
            Application(
                router: router,
                configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: name),
                onServerRunning: { channel in
                    if let line = ports.set(name, channel.localAddress?.port ?? 0) {
                        FileHandle.standardOutput.write(Data((line + "\n").utf8))
                    }
                },
                logger: logger)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: app(FakeOpenAI.router(recorder: recorder), "openai")),
                    .init(service: app(FakeAnthropic.router(recorder: recorder), "anthropic")),
                    .init(service: app(FakeGemini.router(recorder: recorder), "gemini")),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Collects the ports; returns the JSON line once every server has reported.
final class PortBoard: Sendable {
    private let names: [String]
    private let ports = Mutex<[String: Int]>([:])

    init(names: [String]) { self.names = names }

    func set(_ name: String, _ port: Int) -> String? {
        let all = ports.withLock { ports in
            ports[name] = port
            return ports
        }
        guard names.allSatisfy({ all[$0] != nil }) else { return nil }
        return "{" + names.map { "\"\($0)\":\(all[$0]!)" }.joined(separator: ",") + "}"
    }
}
