import SluiceAPI

/// Where and how one configured model is reached.
public struct ModelEndpoint: Sendable, Hashable {
    /// The name callers use (`model` in the request).
    public var name: String
    /// The backend kind.
    public var kind: BackendKind
    /// The model id sent upstream.
    public var upstreamModel: String
    /// The API base URL, such as `https://api.deepseek.com/v1` (unused for `local`).
    public var baseURL: String
    /// The upstream API key, already resolved from the environment. Never logged.
    public var apiKey: String?
    /// Extra headers sent with every upstream request.
    public var headers: [String: String]
    /// Members merged into every upstream request body (for example DashScope's `enable_thinking`).
    public var extraBody: [String: JSONValue]
    /// Timeouts for upstream calls.
    public var timeouts: Timeouts
    /// For `local`: the path of the GGUF file.
    public var modelPath: String?
    /// For `local`: compute threads (default: one per core).
    public var threads: Int?
    /// For `local`: batching, queueing, KV cache and template options.
    public var local: LocalOptions = LocalOptions()

    public init(
        name: String, kind: BackendKind, upstreamModel: String? = nil, baseURL: String = "", apiKey: String? = nil,
        headers: [String: String] = [:], extraBody: [String: JSONValue] = [:], timeouts: Timeouts = Timeouts(),
        modelPath: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.upstreamModel = upstreamModel ?? name
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.headers = headers
        self.extraBody = extraBody
        self.timeouts = timeouts
        self.modelPath = modelPath
    }

    /// `baseURL` joined with a path, without doubling the slash.
    public func url(_ path: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + (path.hasPrefix("/") ? path : "/" + path)
    }
}

/// The kinds of backend Sluice speaks to.
public enum BackendKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Any OpenAI Chat Completions endpoint: OpenAI, DeepSeek, DashScope compatible mode, SiliconFlow,
    /// OpenRouter, vLLM, SGLang, llama.cpp server, Ollama.
    case openai
    /// Anthropic Messages API.
    case anthropic
    /// Google Gemini `generateContent`.
    case gemini
    /// The built-in engine running a GGUF file.
    case local
}

/// Upstream timeouts, in seconds.
public struct Timeouts: Sendable, Hashable {
    /// Time to establish a connection.
    public var connect: Double
    /// Time until the response head (and, for streams, the first byte of the body).
    public var firstByte: Double
    /// Time for the whole request.
    public var total: Double

    public init(connect: Double = 10, firstByte: Double = 120, total: Double = 600) {
        self.connect = connect
        self.firstByte = firstByte
        self.total = total
    }
}
