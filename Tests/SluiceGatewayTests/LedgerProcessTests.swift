import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SluiceAPI
@testable import SluiceLedger
import SluiceTesting
import Testing

/// The ledger across real gateway processes: a `kill -9` under load, and two replicas sharing one
/// PostgreSQL budget.
@Suite("Ledger across processes", .serialized)
struct LedgerProcessTests {
    static let adminKey = "admin-process-key-0123456789"

    static func config(upstreamPort: Int, ledger: String) -> String {
        """
        ledger:
        \(ledger)
        auth:
          admin_key: env:SLUICE_TEST_ADMIN_KEY
        models:
          - name: gpt
            backend: openai
            model: fake-gpt
            base_url: http://127.0.0.1:\(upstreamPort)/v1
            api_key: env:SLUICE_TEST_UPSTREAM_KEY
            price: {input: 1, cached_input: 0.5, output: 2, currency: USD}
        """
    }

    static let environment = ["SLUICE_TEST_ADMIN_KEY": adminKey, "SLUICE_TEST_UPSTREAM_KEY": FakeOpenAI.apiKey]

    static func send(
        _ client: HTTPClient, _ url: String, method: HTTPMethod = .POST, body: String? = nil, bearer: String
    ) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "authorization", value: "Bearer \(bearer)")
        request.headers.add(name: "content-type", value: "application/json")
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        return (Int(response.status.code), response.headers, String(buffer: bytes))
    }

    static func createKey(_ client: HTTPClient, _ gateway: GatewayProcess, _ body: String) async throws -> String {
        let reply = try await send(client, gateway.base + "/admin/keys", body: body, bearer: adminKey)
        guard reply.status == 201, let secret = try JSONDecoder().decode(JSONValue.self, from: Data(reply.body.utf8))["key"]?.stringValue
        else { throw ProcessFailure("key creation failed: \(reply.status) \(reply.body)") }
        return secret
    }

    static let hello = #"{"model":"gpt","max_tokens":7,"messages":[{"role":"user","content":"hello there"}]}"#
    static let helloStream =
        #"{"model":"gpt","max_tokens":7,"stream":true,"messages":[{"role":"user","content":"hello there"}]}"#

    @Test("kill -9 under load loses no record of a completed request")
    func crash() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = directory.appendingPathComponent("ledger.sqlite").path
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        try await LiveServer.with(FakeOpenAI.router(recorder: RecordedRequests())) { upstreamPort in
            let configPath = directory.appendingPathComponent("sluice.yaml").path
            try Self.config(upstreamPort: upstreamPort, ledger: "  path: \(database)")
                .write(toFile: configPath, atomically: true, encoding: .utf8)
            let gateway = try await GatewayProcess(config: configPath, environment: Self.environment, directory: directory, client: client)
            let secret = try await Self.createKey(client, gateway, #"{"owner":"crash","budget":{"amount":"100","currency":"USD","period":"total"}}"#)
            let completed = CompletedIDs()
            let stop = ManagedAtomicFlag()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        while !stop.isSet {
                            let streaming = worker % 2 == 1
                            guard let reply = try? await Self.send(
                                client, gateway.base + "/v1/chat/completions", body: streaming ? Self.helloStream : Self.hello,
                                bearer: secret)
                            else { continue }
                            // Complete means the whole response arrived: a 200, and for a stream its [DONE].
                            if reply.status == 200, !streaming || reply.body.contains("data: [DONE]"),
                               let id = reply.headers.first(name: "x-sluice-request-id") {
                                completed.add(id)
                            }
                        }
                    }
                }
                // Kill the gateway in the middle of the load.
                while completed.count < 300 { try await Task.sleep(for: .milliseconds(5)) }
                gateway.kill()
                stop.set()
                try await group.waitForAll()
            }
            let ids = completed.all
            #expect(ids.count >= 300)
            let store = try await SQLiteStore(path: database, baseCurrency: .usd, logger: Logger(label: "test"))
            var missing: [String] = []
            for id in ids where try await store.usageRecord(requestID: id) == nil { missing.append(id) }
            #expect(missing.isEmpty, "\(missing.count) of \(ids.count) completed requests have no record")
            // Spend equals the sum of the recorded costs (the budget's settlements were committed with them).
            let totals = try await store.usage(UsageQuery(groupBy: .owner))
            try await store.close()
            let recorded = try #require(totals.first)
            #expect(recorded.requests >= ids.count)
            #expect(recorded.cost.nanos == Int64(recorded.requests) * 16_000)

            // The restarted gateway serves on, and reports the same spend.
            let again = try await GatewayProcess(config: configPath, environment: Self.environment, directory: directory, client: client)
            let reply = try await Self.send(client, again.base + "/v1/chat/completions", body: Self.hello, bearer: secret)
            #expect(reply.status == 200)
            let usage = try await Self.send(client, again.base + "/admin/usage?group_by=owner", method: .GET, bearer: Self.adminKey)
            let row = try JSONDecoder().decode(JSONValue.self, from: Data(usage.body.utf8))["data"]?.arrayValue?.first
            #expect(row?["requests"]?.intValue == recorded.requests + 1)
            again.stop()
        }
        try await client.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
    @Test("two gateway processes sharing PostgreSQL keep one budget exact")
    func replicasShareBudget() async throws {
        guard let url = ProcessInfo.processInfo.environment["SLUICE_TEST_POSTGRES_URL"], !url.isEmpty else {
            Issue.record("this test needs a PostgreSQL server: set SLUICE_TEST_POSTGRES_URL or run scripts/test, which starts one")
            return
        }
        let schema = "race_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-replicas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let environment = Self.environment.merging(["SLUICE_TEST_PG": url]) { _, new in new }
        try await LiveServer.with(FakeOpenAI.router(recorder: RecordedRequests())) { upstreamPort in
            let configPath = directory.appendingPathComponent("sluice.yaml").path
            try Self.config(upstreamPort: upstreamPort, ledger: "  store: postgres\n  url: env:SLUICE_TEST_PG\n  schema: \(schema)")
                .write(toFile: configPath, atomically: true, encoding: .utf8)
            let first = try await GatewayProcess(config: configPath, environment: environment, directory: directory, client: client)
            let second = try await GatewayProcess(config: configPath, environment: environment, directory: directory, client: client)
            defer {
                first.stop()
                second.stop()
            }
            let budget = Money(nanos: 50 * 16_000, currency: .usd)
            let secret = try await Self.createKey(
                client, first, #"{"owner":"replicas","budget":{"amount":"\#(budget.amountText)","currency":"USD","period":"day"}}"#)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    let gateway = index % 2 == 0 ? first : second
                    group.addTask {
                        try await Self.send(client, gateway.base + "/v1/chat/completions", body: Self.hello, bearer: secret).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            var served = statuses.filter { $0 == 200 }.count
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 429 }, "\(Set(statuses))")
            #expect(served >= 1 && served <= 50, "burst served \(served)")
            // Fill what is left one at a time, alternating replicas: 46 to 50 in all (see the in-process race).
            var turn = 0
            while try await Self.send(
                client, (turn % 2 == 0 ? second : first).base + "/v1/chat/completions", body: Self.hello, bearer: secret
            ).status == 200 {
                served += 1
                turn += 1
            }
            #expect((46...50).contains(served), "served \(served)")
            let usage = try await Self.send(client, second.base + "/admin/usage?group_by=owner", method: .GET, bearer: Self.adminKey)
            let row = try JSONDecoder().decode(JSONValue.self, from: Data(usage.body.utf8))["data"]?.arrayValue?.first
            #expect(row?["requests"]?.intValue == served)
            let spent = try #require(row?["cost"]?.stringValue.flatMap { Money($0, currency: .usd) })
            #expect(spent.nanos == Int64(served) * 16_000)
            #expect(spent.nanos <= budget.nanos)
        }
        try await client.shutdown()
        let store = try await PostgresStore(url: url, schema: schema, baseCurrency: .usd, logger: Logger(label: "test"))
        try? await store.dropSchema()
        try? await store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Request ids of completed responses, from many tasks.
final class CompletedIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [String] = []

    func add(_ id: String) { lock.withLock { ids.append(id) } }
    var count: Int { lock.withLock { ids.count } }
    var all: [String] { lock.withLock { ids } }
}

/// A flag set once, read from many tasks.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
