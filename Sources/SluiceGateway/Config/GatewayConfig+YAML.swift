import Foundation
import SluiceAPI
import SluiceLedger
import SluiceProviders
import Yams

extension GatewayConfig {
    /// Reads and validates a `sluice.yaml` file.
    ///
    /// - Parameter environment: where `env:NAME` secrets are looked up.
    /// - Throws: ``ConfigError`` naming the file, the line, and the problem.
    public static func load(path: String, environment: [String: String]) throws(ConfigError) -> GatewayConfig {
        try parse(yaml: try readFile(path), source: path, environment: environment)
    }

    /// Reads only the `ledger` section of a config file (for `sluice keys` and `sluice usage`, which need
    /// the store but not the models or their keys). Without a section, ``LedgerConfig/embedded``.
    public static func loadLedger(path: String, environment: [String: String]) throws(ConfigError) -> LedgerConfig {
        let reader = YAMLReader(source: path, environment: environment)
        guard let root = try compose(try readFile(path), source: path),
              let ledger = try reader.mapping(root, "the top level")["ledger"]
        else { return .embedded }
        return try reader.ledgerConfig(ledger)
    }

    /// Parses configuration text. See ``load(path:environment:)``.
    public static func parse(yaml: String, source: String, environment: [String: String]) throws(ConfigError) -> GatewayConfig {
        guard let root = try compose(yaml, source: source) else { return GatewayConfig(ledger: .embedded) }
        let reader = YAMLReader(source: source, environment: environment)
        return try reader.config(root)
    }

    private static func readFile(_ path: String) throws(ConfigError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(source: path, line: nil, message: "cannot read the config file: \(error.localizedDescription)")
        }
    }

    /// The YAML tree, or nil for an empty document; syntax errors name their line.
    private static func compose(_ yaml: String, source: String) throws(ConfigError) -> Node? {
        do {
            return try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigError(source: source, line: Self.line(of: error), message: "invalid YAML: \(error)")
        } catch {
            throw ConfigError(source: source, line: nil, message: "invalid YAML: \(error)")
        }
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }
}

/// Walks the YAML tree, checking every key and type, and remembering lines for messages.
struct YAMLReader {
    let source: String
    let environment: [String: String]

    static let topKeys: Set<String> = ["server", "models", "ledger", "auth", "routes", "tiers", "routing"]
    static let serverKeys: Set<String> = ["host", "port", "max_body_bytes", "shutdown_grace_seconds"]
    static let modelKeys: Set<String> = [
        "name", "backend", "model", "base_url", "api_key", "headers", "extra_body", "timeouts", "path", "price",
        "capacity", "tags", "threads", "max_output_tokens", "tokens_per_minute", "max_queue", "fallbacks", "replicas",
        "weight", "replica_capacity", "balance", "affinity", "local",
    ]
    static let timeoutKeys: Set<String> = ["connect", "first_byte", "total"]

    func config(_ root: Node) throws(ConfigError) -> GatewayConfig {
        let top = try mapping(root, "the top level")
        try checkKeys(top, allowed: Self.topKeys, in: "the top level")
        var config = GatewayConfig(ledger: .embedded)
        if let server = top["server"] { config.server = try serverConfig(server) }
        if let ledger = top["ledger"] { config.ledger = try ledgerConfig(ledger) }
        if let auth = top["auth"] { config.auth = try authConfig(auth) }
        if let models = top["models"] {
            guard case .sequence(let list) = models else { throw fail(models, "'models' must be a list of models") }
            var seen: [String: Int] = [:]
            for node in list {
                let model = try modelConfig(node)
                if let previous = seen[model.name] {
                    throw fail(node, "duplicate model name '\(model.name)' (first defined on line \(previous))")
                }
                seen[model.name] = model.line ?? 0
                config.models.append(model)
            }
        }
        config.routing = try routingConfig(routes: top["routes"], tiers: top["tiers"], routing: top["routing"])
        try checkRouting(config)
        for model in config.models {
            if let currency = model.price?.currency, config.ledger.exchangeRates.nanosPerBase[currency] == nil {
                throw ConfigError(
                    source: source, line: model.line,
                    message: "model '\(model.name)' is priced in \(currency), but ledger.exchange_rates has no rate for it (base \(config.ledger.exchangeRates.base))")
            }
        }
        return config
    }

    func serverConfig(_ node: Node) throws(ConfigError) -> ServerConfig {
        let map = try mapping(node, "'server'")
        try checkKeys(map, allowed: Self.serverKeys, in: "'server'")
        var server = ServerConfig()
        if let host = map["host"] { server.host = try string(host, "server.host") }
        if let port = map["port"] {
            server.port = try int(port, "server.port")
            if !(0...65535).contains(server.port) { throw fail(port, "server.port must be between 0 and 65535") }
        }
        if let limit = map["max_body_bytes"] {
            server.maxBodyBytes = try int(limit, "server.max_body_bytes")
            if server.maxBodyBytes < 1024 { throw fail(limit, "server.max_body_bytes must be at least 1024") }
        }
        if let grace = map["shutdown_grace_seconds"] { server.shutdownGraceSeconds = try number(grace, "server.shutdown_grace_seconds") }
        return server
    }

    func modelConfig(_ node: Node) throws(ConfigError) -> ModelConfig {
        let map = try mapping(node, "a model entry")
        guard let nameNode = map["name"] else { throw fail(node, "a model entry needs a 'name'") }
        let name = try string(nameNode, "name")
        if name.isEmpty { throw fail(nameNode, "a model name must not be empty") }
        let what = "model '\(name)'"
        try checkKeys(map, allowed: Self.modelKeys, in: what)
        guard let backendNode = map["backend"] else {
            throw fail(node, "\(what) needs a 'backend' (one of openai, anthropic, gemini, local)")
        }
        let backendName = try string(backendNode, "\(what) backend")
        guard let kind = BackendKind(rawValue: backendName) else {
            throw fail(backendNode, "\(what) has unknown backend '\(backendName)'; use one of openai, anthropic, gemini, local")
        }
        var endpoint = ModelEndpoint(name: name, kind: kind)
        if let upstream = map["model"] { endpoint.upstreamModel = try string(upstream, "\(what) model") }
        if let base = map["base_url"] {
            endpoint.baseURL = try string(base, "\(what) base_url")
            guard endpoint.baseURL.hasPrefix("http://") || endpoint.baseURL.hasPrefix("https://") else {
                throw fail(base, "\(what) base_url must start with http:// or https://")
            }
        } else if let defaultURL = kind.defaultBaseURL {
            endpoint.baseURL = defaultURL
        } else if kind == .openai {
            throw fail(node, "\(what) needs a 'base_url' (for example https://api.deepseek.com/v1)")
        }
        if let key = map["api_key"] { endpoint.apiKey = try secret(key, "\(what) api_key") }
        if let headers = map["headers"] { endpoint.headers = try stringMap(headers, "\(what) headers") }
        if let extra = map["extra_body"] {
            guard case .object(let object) = try json(extra) else { throw fail(extra, "\(what) extra_body must be a mapping") }
            endpoint.extraBody = object
        }
        if let timeouts = map["timeouts"] { endpoint.timeouts = try timeoutConfig(timeouts, what) }
        if let path = map["path"] { endpoint.modelPath = try string(path, "\(what) path") }
        if let threads = map["threads"] {
            endpoint.threads = try int(threads, "\(what) threads")
            if endpoint.threads! < 1 { throw fail(threads, "\(what) threads must be at least 1") }
        }
        if let local = map["local"] {
            guard kind == .local else { throw fail(local, "\(what) has 'local' options but does not use the local backend") }
            endpoint.local = try localOptions(local, what)
        }
        if kind == .local && endpoint.modelPath == nil {
            throw fail(node, "\(what) uses the local backend and needs a 'path' to a .gguf file")
        }
        var model = ModelConfig(endpoint: endpoint, line: line(node))
        if let price = map["price"] { model.price = try priceConfig(price, what) }
        if let limit = map["max_output_tokens"] {
            model.maxOutputTokens = try int(limit, "\(what) max_output_tokens")
            if model.maxOutputTokens < 1 { throw fail(limit, "\(what) max_output_tokens must be at least 1") }
        }
        if let capacity = map["capacity"] {
            model.capacity = try int(capacity, "\(what) capacity")
            if model.capacity! < 1 { throw fail(capacity, "\(what) capacity must be at least 1") }
        }
        if let tags = map["tags"] {
            guard case .sequence(let list) = tags else { throw fail(tags, "\(what) tags must be a list of strings") }
            model.tags = try list.map { (tag: Node) throws(ConfigError) -> String in try string(tag, "\(what) tag") }
        }
        try modelRouting(map, into: &model, what)
        return model
    }

    func timeoutConfig(_ node: Node, _ what: String) throws(ConfigError) -> Timeouts {
        let map = try mapping(node, "\(what) timeouts")
        try checkKeys(map, allowed: Self.timeoutKeys, in: "\(what) timeouts")
        var timeouts = Timeouts()
        for (key, value) in map {
            let seconds = try number(value, "\(what) timeouts.\(key.string ?? "")")
            if seconds <= 0 { throw fail(value, "\(what) timeouts must be positive numbers of seconds") }
            switch key.string {
            case "connect": timeouts.connect = seconds
            case "first_byte": timeouts.firstByte = seconds
            default: timeouts.total = seconds
            }
        }
        return timeouts
    }

    // MARK: - Typed readers

    func mapping(_ node: Node, _ what: String) throws(ConfigError) -> Node.Mapping {
        guard case .mapping(let map) = node else { throw fail(node, "\(what) must be a mapping of keys to values") }
        return map
    }

    func checkKeys(_ map: Node.Mapping, allowed: Set<String>, in what: String) throws(ConfigError) {
        for key in map.keys {
            guard let name = key.string, allowed.contains(name) else {
                throw fail(key, "unknown key '\(key.string ?? "?")' in \(what); expected one of \(allowed.sorted().joined(separator: ", "))")
            }
        }
    }

    func string(_ node: Node, _ what: String) throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node else { throw fail(node, "\(what) must be a string") }
        return scalar.string
    }

    func int(_ node: Node, _ what: String) throws(ConfigError) -> Int {
        guard case .scalar = node, let value = node.int else { throw fail(node, "\(what) must be an integer") }
        return value
    }

    func number(_ node: Node, _ what: String) throws(ConfigError) -> Double {
        guard case .scalar = node, let value = node.float ?? node.int.map(Double.init) else {
            throw fail(node, "\(what) must be a number")
        }
        return value
    }

    func stringMap(_ node: Node, _ what: String) throws(ConfigError) -> [String: String] {
        let map = try mapping(node, what)
        var result: [String: String] = [:]
        for (key, value) in map { result[try string(key, what)] = try string(value, "\(what).\(key.string ?? "")") }
        return result
    }

    /// `env:NAME` resolved from the environment. Literal secrets are refused: they must not sit in the file.
    func secret(_ node: Node, _ what: String) throws(ConfigError) -> String {
        let text = try string(node, what)
        guard text.hasPrefix("env:") else {
            throw fail(node, "\(what) must be 'env:NAME' (secrets are read from the environment, never stored in the file)")
        }
        let name = String(text.dropFirst(4))
        guard let value = environment[name], !value.isEmpty else {
            throw fail(node, "\(what) reads environment variable \(name), which is not set")
        }
        return value
    }

    func json(_ node: Node) throws(ConfigError) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if scalar.string == "null" || scalar.string == "~" { return .null }
                if let bool = node.bool { return .bool(bool) }
                if let int = node.int { return .int(Int64(int)) }
                if let double = node.float { return .double(double) }
            }
            return .string(scalar.string)
        case .sequence(let list):
            return .array(try list.map { (item: Node) throws(ConfigError) -> JSONValue in try json(item) })
        case .mapping(let map):
            var object: [String: JSONValue] = [:]
            for (key, value) in map { object[try string(key, "key")] = try json(value) }
            return .object(object)
        case .alias:
            throw fail(node, "YAML aliases are not supported here")
        }
    }

    func line(_ node: Node) -> Int? { node.mark?.line }

    func fail(_ node: Node, _ message: String) -> ConfigError {
        ConfigError(source: source, line: line(node), message: message)
    }
}

extension BackendKind {
    /// The public API base URL of backends that have one.
    public var defaultBaseURL: String? {
        switch self {
        case .anthropic: return "https://api.anthropic.com"
        case .gemini: return "https://generativelanguage.googleapis.com/v1beta"
        case .openai, .local: return nil
        }
    }
}
