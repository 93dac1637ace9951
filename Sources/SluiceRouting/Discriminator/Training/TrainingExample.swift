import SluiceAPI

/// One labelled request: whether its answer needed the strong model.
///
/// The label comes from a line of a JSONL file (see ``TrainingData``): `label` 1 or 0, or a pair
/// preference where `winner` `strong` means 1 and `weak` or `tie` mean 0 (a tie says the weak model's
/// answer was as good, so the strong model was not needed; RouteLLM treats ties the same way).
public struct TrainingExample: Sendable, Hashable {
    /// The request as the gateway would see it (its `model` is not used).
    public var request: ChatRequest
    /// Whether the strong model's answer was needed.
    public var needsStrong: Bool
    /// The request's features, computed once from ``request``.
    public let features: RequestFeatures

    /// An example of a whole request (its tools, format and reasoning settings count too).
    public init(request: ChatRequest, needsStrong: Bool) {
        self.request = request
        self.needsStrong = needsStrong
        self.features = RequestFeatures(request)
    }

    /// An example of a conversation alone (no tools, formats or reasoning settings).
    public init(messages: [ChatMessage], needsStrong: Bool) {
        self.init(request: ChatRequest(model: TrainingData.placeholderModel, messages: messages), needsStrong: needsStrong)
    }
}
