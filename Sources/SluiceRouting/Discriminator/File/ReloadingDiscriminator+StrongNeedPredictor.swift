extension ReloadingDiscriminator: StrongNeedPredictor {
    /// The loaded classifier's verdict, or nil until a model file has been loaded.
    public func assess(_ features: RequestFeatures) -> StrongNeed? {
        guard let model = current else { return nil }
        let decision = model.decide(features)
        return StrongNeed(probability: decision.probability, threshold: decision.threshold)
    }
}
