import SluiceAPI

/// The facts of one request that every fake upstream answers from, whatever its wire format.
public struct FakeTurn: Sendable {
    /// One tool call the fake will make.
    public struct Call: Sendable, Hashable {
        public var id: String
        public var name: String
        public var arguments: String
    }

    public var model: String
    public var scenario: FakeScenario
    public var promptCharacters: Int
    public var toolNames: [String]

    /// Builds the turn from the last user text, all prompt text, and declared tools.
    public init(model: String, lastUserText: String, promptCharacters: Int, toolNames: [String]) {
        self.model = model
        self.scenario = FakeScenario.parse(lastUserText)
        self.promptCharacters = promptCharacters
        self.toolNames = toolNames
    }

    /// Builds the turn from a canonical request.
    public init(request: ChatRequest) {
        let lastUser = request.messages.last { $0.role == .user }?.content?.text ?? ""
        let characters = request.messages.reduce(0) { $0 + ($1.content?.text.count ?? 0) }
        self.init(
            model: request.model, lastUserText: lastUser, promptCharacters: characters,
            toolNames: request.tools?.map(\.function.name) ?? [])
    }

    public var promptTokens: Int { FakeScenario.promptTokens(characters: promptCharacters) }
    public var cachedTokens: Int { FakeScenario.cachedTokens(promptTokens: promptTokens) }

    /// The echo answer.
    public var answer: String {
        switch scenario {
        case .echo(let text): return "Echo: " + text
        case .json: return FakeScenario.jsonAnswer
        default: return "ok"
        }
    }

    /// The calls of the tool scenarios, against the first declared tool.
    public var toolCalls: [Call] {
        let name = toolNames.first ?? "get_weather"
        switch scenario {
        case .toolCall:
            return [Call(id: "call_fake_0", name: name, arguments: FakeScenario.toolArguments)]
        case .parallelToolCalls:
            return FakeScenario.parallelArguments.enumerated().map {
                Call(id: "call_fake_\($0.offset)", name: name, arguments: $0.element)
            }
        default:
            return []
        }
    }
}
