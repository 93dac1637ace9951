import SluiceAPI
import Testing
@testable import SluiceRouting

/// The shared, versioned feature extractor: stable, deterministic, and consistent between its two paths.
@Suite("Discriminator feature extractor")
struct FeatureExtractorTests {
    let extractor = FeatureExtractor()

    @Test("version 1, 65,536 dimensions by default, powers of two only")
    func versionAndDimensions() {
        #expect(FeatureExtractor.currentVersion == 1)
        #expect(extractor.version == 1)
        #expect(extractor.dimensions == 65_536)
        #expect(FeatureExtractor.isValidDimensions(1 << 10))
        #expect(FeatureExtractor.isValidDimensions(1 << 20))
        #expect(!FeatureExtractor.isValidDimensions(1 << 9))
        #expect(!FeatureExtractor.isValidDimensions(3_000))
        #expect(!FeatureExtractor.isValidDimensions(1 << 25))
    }

    @Test("the same request gives the same vector, from any extractor instance")
    func deterministic() {
        let features = RequestFeatures(question: "Prove that √2 is irrational, then 证明它。", system: "You are terse.")
        let first = extractor.extract(features)
        #expect(first == FeatureExtractor().extract(features))
        #expect(first == extractor.extract(features))
        #expect(first.count > 10)
        #expect(first.indices == first.indices.sorted())
        #expect(Set(first.indices).count == first.count)
        #expect(first.indices.allSatisfy { (0..<65_536).contains($0) })
    }

    /// Pins the hashing: if this fails, the features changed, and ``FeatureExtractor/currentVersion``
    /// must be bumped (models trained before will then refuse to load).
    @Test("hashed indices and signs are pinned for version 1")
    func pinnedIndices() {
        let vector = FeatureExtractor(dimensions: 1 << 10).extract(RequestFeatures(question: "Hello world, 证明!"))
        // hello, world, "hello world", 证, 明, 证明, and the three count buckets.
        #expect(vector.indices == [48, 102, 166, 178, 266, 574, 700, 733, 811])
        #expect(vector.values.map { $0 > 0 } == [false, true, false, true, true, false, false, true, false])
    }

    @Test("words are lowercased; punctuation separates them")
    func caseInsensitive() {
        let upper = extractor.extract(RequestFeatures(question: "PROVE the Lemma!"))
        let lower = extractor.extract(RequestFeatures(question: "prove the lemma"))
        #expect(upper == lower)
        #expect(upper != extractor.extract(RequestFeatures(question: "prove a lemma")))
    }

    @Test("CJK runs give character unigrams and bigrams, so order matters")
    func cjkBigrams() {
        let forward = extractor.extract(RequestFeatures(question: "证明"))
        let backward = extractor.extract(RequestFeatures(question: "明证"))
        // Two unigrams and one bigram, plus bucket features; the unigrams are shared.
        #expect(forward != backward)
        #expect(Set(forward.indices).intersection(backward.indices).count >= 2)
        // CJK punctuation separates runs: no bigram across "，".
        let split = extractor.extract(RequestFeatures(question: "证，明"))
        #expect(split.count == forward.count - 1)
    }

    @Test("the system prompt is its own namespace")
    func systemNamespace() {
        let hashed = { (features: RequestFeatures) in
            Set(extractor.extract(features).indices.filter { $0 >= FeatureExtractor.reservedSlots })
        }
        let empty = hashed(RequestFeatures())
        let inQuestion = hashed(RequestFeatures(question: "optimize")).subtracting(empty)
        let inSystem = hashed(RequestFeatures(system: "optimize")).subtracting(empty)
        #expect(inQuestion.count == 1)
        #expect(inSystem.count == 1)
        #expect(inQuestion != inSystem)
    }

    @Test("numeric features sit at their reserved slots")
    func numericSlots() {
        let features = RequestFeatures(
            promptTokens: 100, turns: 3, hasTools: true, wantsJSON: true, cjkShare: 0.25,
            question: "```swift\nlet x = f(1)\n```")
        let vector = extractor.extract(features)
        #expect(vector[NumericSlot.hasTools.rawValue] == 1)
        #expect(vector[NumericSlot.wantsJSON.rawValue] == 1)
        #expect(vector[NumericSlot.hasImages.rawValue] == 0)
        #expect(vector[NumericSlot.cjkShare.rawValue] == 0.25)
        #expect(vector[NumericSlot.codeFence.rawValue] == 1)
        #expect(vector[NumericSlot.codeSymbols.rawValue] > 0)
        #expect(abs(vector[NumericSlot.turns.rawValue] - 0.462_098) < 1e-6)  // log1p(3) / 3
        #expect(vector.indices.filter { $0 < FeatureExtractor.reservedSlots }.count == 9)
    }

    @Test("the question's text features have unit length")
    func unitLength() {
        let vector = extractor.extract(RequestFeatures(question: "one two three four five six seven"))
        // 7 unigrams + 6 bigrams, each ±1/√13 (no collisions expected among 13 of 65,536 slots).
        let text = zip(vector.indices, vector.values).filter { abs(abs($0.1) - 1 / 13.0.squareRoot()) < 1e-12 }
        #expect(text.count == 13)
    }

    @Test("scoring without building the vector equals scoring the vector")
    func hotPathMatchesExtract() {
        var weights = [Double](repeating: 0, count: 1 << 12)
        var random = SplitMix64(seed: 5)
        for index in weights.indices { weights[index] = random.unit() - 0.5 }
        let model = DiscriminatorModel(
            extractor: FeatureExtractor(dimensions: 1 << 12), bias: 0.1, weights: weights, threshold: 0.5,
            calibration: DiscriminatorFixture.dummyCalibration)
        for example in SyntheticRoutingSet(seed: 11).examples(count: 50) {
            let direct = model.logit(example.features)
            let viaVector = model.logit(model.extractor.extract(example.features))
            #expect(abs(direct - viaVector) < 1e-9)
        }
        // Repeated words add up the same way on both paths.
        let repeated = RequestFeatures(question: "go go go go stop")
        #expect(abs(model.logit(repeated) - model.logit(model.extractor.extract(repeated))) < 1e-9)
    }

    @Test("letters of other scripts stay inside words; symbols and emoji separate them")
    func otherScripts() {
        let hashedCount = { (question: String) in
            extractor.extract(RequestFeatures(question: question)).indices.count { $0 >= FeatureExtractor.reservedSlots } - 3
        }
        // Two words → two unigrams and one bigram (the 3 count buckets are subtracted).
        #expect(hashedCount("naïve café") == 3)
        #expect(hashedCount("привет мир") == 3)
        #expect(hashedCount("hello 🙂 world") == 3)
        #expect(hashedCount("naïve") == 1)
        #expect(extractor.extract(RequestFeatures(question: "naïve")) != extractor.extract(RequestFeatures(question: "nave")))
    }

    @Test("only the first words of the system prompt are hashed")
    func systemLimit() {
        let words = (0..<500).map { "word\($0)" }.joined(separator: " ")
        let vector = extractor.extract(RequestFeatures(system: words))
        let hashed = vector.indices.count { $0 >= FeatureExtractor.reservedSlots }
        #expect(hashed <= FeatureExtractor.systemWordLimit + 3)
        #expect(hashed >= FeatureExtractor.systemWordLimit - 2)
    }

    @Test("a question longer than the feature buffer is cut, not crashed on")
    func longQuestion() {
        let question = String(repeating: "alpha beta gamma ", count: 5_000)
        let vector = extractor.extract(RequestFeatures(question: question))
        #expect(vector.count > 3)
        #expect(vector.indices.allSatisfy { (0..<65_536).contains($0) })
    }
}
