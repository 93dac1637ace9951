import SluiceRouting

/// `GET /admin/routing`: what routing is doing now, per model and upstream.
struct RoutingStatusView: Encodable {
    struct Replica: Encodable {
        var id: String
        var weight: Int
        var inFlight: Int
        var latencyEwmaMs: Double?
        var completed: Int
        var failures: Int
        /// `closed`, `open` or `half-open`.
        var breaker: String
        var breakerFailureRate: Double?

        enum CodingKeys: String, CodingKey {
            case id, weight, completed, failures, breaker
            case inFlight = "in_flight", latencyEwmaMs = "latency_ewma_ms", breakerFailureRate = "breaker_failure_rate"
        }
    }

    struct Admission: Encodable {
        var capacity: Int
        var inFlight: Int
        var queued: Int
        var inFlightByTier: [String: Int]
        var queuedByTier: [String: Int]
        var admittedByTier: [String: Int]
        /// Requests turned away, by tier and reason (`queue-full`, `timed-out`, `displaced`, …).
        var shedByTier: [String: [String: Int]]

        enum CodingKeys: String, CodingKey {
            case capacity, queued
            case inFlight = "in_flight", inFlightByTier = "in_flight_by_tier", queuedByTier = "queued_by_tier"
            case admittedByTier = "admitted_by_tier", shedByTier = "shed_by_tier"
        }
    }

    struct Model: Encodable {
        var name: String
        var replicas: [Replica]
        var admission: Admission?
    }

    struct Discriminator: Encodable {
        var path: String
        var loaded: Bool
        var threshold: Double?
        var targetShare: Double?

        enum CodingKeys: String, CodingKey {
            case path, loaded, threshold
            case targetShare = "target_share"
        }
    }

    var models: [Model]
    var routes: [String]
    var discriminators: [Discriminator]

    init(_ routing: RoutingRuntime, modelOrder: [String]) {
        let health = routing.dispatcher.health.snapshot()
        models = modelOrder.compactMap { name in
            guard let backend = routing.dispatcher.backends[name] else { return nil }
            let replicas = backend.balancer.snapshot.map { replica in
                Replica(
                    id: replica.id, weight: replica.weight, inFlight: replica.inFlight,
                    latencyEwmaMs: replica.latencyEWMA.map { Double($0.components.seconds) * 1000 + Double($0.components.attoseconds) / 1e15 },
                    completed: replica.completed, failures: replica.failures,
                    breaker: health[replica.id]?.state.name ?? "closed", breakerFailureRate: health[replica.id]?.failureRate)
            }
            let admission = backend.gate.map { gate in
                let snapshot = gate.snapshot
                return Admission(
                    capacity: gate.capacity.concurrency, inFlight: snapshot.inFlight, queued: snapshot.queued,
                    inFlightByTier: snapshot.inFlightByTier, queuedByTier: snapshot.queuedByTier,
                    admittedByTier: snapshot.admittedByTier,
                    shedByTier: snapshot.shedByTier.mapValues { reasons in
                        Dictionary(uniqueKeysWithValues: reasons.map { ($0.key.rawValue, $0.value) })
                    })
            }
            return Model(name: name, replicas: replicas, admission: admission)
        }
        routes = routing.table.routeNames
        discriminators = routing.discriminators.keys.sorted().map { path in
            let model = routing.discriminators[path]?.current
            return Discriminator(
                path: path, loaded: model != nil, threshold: model?.threshold, targetShare: model?.calibration.targetShare)
        }
    }
}
