import SluiceProviders
import Yams

extension YAMLReader {
    static let localKeys: Set<String> = [
        "parallel", "max_waiting", "queue_timeout", "context_length", "cache_mib", "prefill_chunk", "chat_template", "prefix_cache",
    ]

    /// The `local:` mapping of a model served by the built-in engine.
    func localOptions(_ node: Node, _ what: String) throws(ConfigError) -> LocalOptions {
        let map = try mapping(node, "\(what) local")
        try checkKeys(map, allowed: Self.localKeys, in: "\(what) local")
        var options = LocalOptions()
        func positive(_ key: String) throws(ConfigError) -> Int? {
            guard let value = map[key] else { return nil }
            let number = try int(value, "\(what) local.\(key)")
            if number < 1 { throw fail(value, "\(what) local.\(key) must be at least 1") }
            return number
        }
        if let parallel = try positive("parallel") {
            if parallel > 64 { throw fail(map["parallel"]!, "\(what) local.parallel must be at most 64") }
            options.parallel = parallel
        }
        if let waiting = map["max_waiting"] {
            options.maxWaiting = try int(waiting, "\(what) local.max_waiting")
            if options.maxWaiting < 0 { throw fail(waiting, "\(what) local.max_waiting must be 0 or more") }
        }
        if let timeout = map["queue_timeout"] {
            options.queueTimeout = try number(timeout, "\(what) local.queue_timeout")
            if options.queueTimeout <= 0 { throw fail(timeout, "\(what) local.queue_timeout must be a positive number of seconds") }
        }
        options.contextLength = try positive("context_length")
        options.cacheMiB = try positive("cache_mib")
        if let chunk = try positive("prefill_chunk") { options.prefillChunk = chunk }
        if let cache = map["prefix_cache"] { options.prefixCache = try bool(cache, "\(what) local.prefix_cache") }
        if let template = map["chat_template"] { options.chatTemplate = try string(template, "\(what) local.chat_template") }
        return options
    }
}
