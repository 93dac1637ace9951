import SluiceAPI

/// One JSONL line of labelled data, as written: the request members the features read, and the label
/// or the pair preference. Other members (such as `model` or ids) are ignored.
struct TrainingLine: Codable {
    var messages: [ChatMessage]?
    var tools: [Tool]?
    var responseFormat: ResponseFormat?
    var reasoningEffort: String?
    var label: JSONValue?
    var winner: JSONValue?

    private enum CodingKeys: String, CodingKey {
        case messages, tools, label, winner
        case responseFormat = "response_format"
        case reasoningEffort = "reasoning_effort"
    }

    init(_ example: TrainingExample) {
        messages = example.request.messages
        tools = example.request.tools
        responseFormat = example.request.responseFormat
        reasoningEffort = example.request.reasoningEffort
        label = .int(example.needsStrong ? 1 : 0)
    }

    /// The example, or why the line is not one.
    func example() throws(TrainingLineProblem) -> TrainingExample {
        guard let messages else { throw TrainingLineProblem("'messages' is missing") }
        guard messages.contains(where: { $0.role == .user }) else {
            throw TrainingLineProblem("'messages' has no user message")
        }
        let needsStrong: Bool
        switch (label, winner) {
        case (nil, nil):
            throw TrainingLineProblem("needs 'label' (1 or 0) or 'winner' (\"strong\", \"weak\" or \"tie\")")
        case (.some, .some):
            throw TrainingLineProblem("has both 'label' and 'winner'; give one")
        case (let label?, nil):
            switch label {
            case .int(1), .double(1), .bool(true): needsStrong = true
            case .int(0), .double(0), .bool(false): needsStrong = false
            default: throw TrainingLineProblem("'label' must be 1 or 0, got \(Self.show(label))")
            }
        case (nil, let winner?):
            switch winner.stringValue?.lowercased() {
            case "strong": needsStrong = true
            case "weak", "tie": needsStrong = false
            default: throw TrainingLineProblem("'winner' must be \"strong\", \"weak\" or \"tie\", got \(Self.show(winner))")
            }
        }
        var request = ChatRequest(model: TrainingData.placeholderModel, messages: messages)
        request.tools = tools
        request.responseFormat = responseFormat
        request.reasoningEffort = reasoningEffort
        return TrainingExample(request: request, needsStrong: needsStrong)
    }

    /// A short rendering of a JSON value for an error message.
    private static func show(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let bool): return String(bool)
        case .int(let int): return String(int)
        case .double(let double): return String(double)
        case .string(let string): return "\"\(string.prefix(40))\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// What is wrong with one line (the caller adds the line number).
struct TrainingLineProblem: Error {
    let reason: String

    init(_ reason: String) { self.reason = reason }
}
