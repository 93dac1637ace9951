import SluiceProviders

/// `GET /admin/engine`: the built-in engine's models, their batches, queues and KV caches.
struct EngineStatusView: Encodable {
    struct Cache: Encodable {
        var capacityTokens: Int
        var blockSize: Int
        var blocksInUse: Int
        var cachedBlocks: Int
        var evictions: Int

        enum CodingKeys: String, CodingKey {
            case evictions
            case capacityTokens = "capacity_tokens", blockSize = "block_size", blocksInUse = "blocks_in_use"
            case cachedBlocks = "cached_blocks"
        }
    }

    struct Model: Encodable {
        var name: String
        var parallel: Int
        var maxWaiting: Int
        var running: Int
        var waiting: Int
        var prefixCache: Bool
        var kvCache: Cache

        enum CodingKeys: String, CodingKey {
            case name, parallel, running, waiting
            case maxWaiting = "max_waiting", prefixCache = "prefix_cache", kvCache = "kv_cache"
        }
    }

    var object: String = "engine.status"
    var models: [Model]

    init(_ registry: ModelRegistry) {
        models = registry.names.compactMap { (name: String) -> Model? in
            guard let local = registry[name] as? LocalProvider else { return nil }
            let load = local.engineLoad
            let settings = local.engineSettings
            return Model(
                name: name, parallel: settings.parallel, maxWaiting: settings.maxWaiting, running: load.running,
                waiting: load.waiting, prefixCache: settings.prefixCache,
                kvCache: Cache(
                    capacityTokens: load.cache.capacityBlocks * load.cache.blockSize, blockSize: load.cache.blockSize,
                    blocksInUse: load.cache.blocksInUse, cachedBlocks: load.cache.cachedBlocks, evictions: load.cache.evictions))
        }
    }
}
