import SluiceProviders

extension GatewayConfig {
    /// Adds models given on the command line as `NAME=KIND:BASE_URL` (or `NAME=local:PATH.gguf`), with
    /// keys named by `NAME=ENV_VAR` pairs. The upstream model id is NAME unless the spec ends in
    /// `,model=UPSTREAM_ID` (`ds=openai:https://api.deepseek.com/v1,model=deepseek-chat`).
    public mutating func addCommandLineModels(
        _ specs: [String], keys: [String], environment: [String: String]
    ) throws(ConfigError) {
        var keyVariables: [String: String] = [:]
        for pair in keys {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex, pair.index(after: equals) != pair.endIndex else {
                throw ConfigError(source: "--model-key", line: nil, message: "'\(pair)' must look like NAME=ENV_VAR")
            }
            keyVariables[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        for spec in specs {
            let model = try Self.model(fromSpec: spec)
            var endpoint = model.endpoint
            if let variable = keyVariables.removeValue(forKey: model.name) {
                guard let key = environment[variable], !key.isEmpty else {
                    throw ConfigError(
                        source: "--model-key", line: nil,
                        message: "model '\(model.name)' reads its key from \(variable), which is not set")
                }
                endpoint.apiKey = key
            }
            if let index = models.firstIndex(where: { $0.name == model.name }) {
                models[index] = ModelConfig(endpoint: endpoint)
            } else {
                models.append(ModelConfig(endpoint: endpoint))
            }
        }
        if let unused = keyVariables.keys.sorted().first {
            throw ConfigError(source: "--model-key", line: nil, message: "no --model named '\(unused)'")
        }
    }

    static func model(fromSpec spec: String) throws(ConfigError) -> ModelConfig {
        func bad(_ why: String) -> ConfigError {
            ConfigError(source: "--model", line: nil, message: "'\(spec)': \(why). Expected NAME=KIND:BASE_URL, KIND one of openai, anthropic, gemini, local")
        }
        guard let equals = spec.firstIndex(of: "="), equals != spec.startIndex else { throw bad("missing NAME=") }
        let name = String(spec[..<equals])
        let rest = spec[spec.index(after: equals)...]
        guard let colon = rest.firstIndex(of: ":") else { throw bad("missing KIND:") }
        let kindName = String(rest[..<colon])
        var target = String(rest[rest.index(after: colon)...])
        var upstreamModel: String?
        if let range = target.range(of: ",model=") {
            upstreamModel = String(target[range.upperBound...])
            target = String(target[..<range.lowerBound])
            if upstreamModel!.isEmpty { throw bad("empty model= suffix") }
        }
        guard let kind = BackendKind(rawValue: kindName) else { throw bad("unknown kind '\(kindName)'") }
        if kind == .local {
            guard !target.isEmpty else { throw bad("missing the .gguf path") }
            return ModelConfig(endpoint: ModelEndpoint(name: name, kind: .local, modelPath: target))
        }
        guard target.hasPrefix("http://") || target.hasPrefix("https://") else {
            throw bad("the base URL must start with http:// or https://")
        }
        return ModelConfig(endpoint: ModelEndpoint(name: name, kind: kind, upstreamModel: upstreamModel, baseURL: target))
    }
}
