import Foundation

/// The numeric features of extractor version 1 and their fixed indices (below
/// ``FeatureExtractor/reservedSlots``). Counts are `log1p`-scaled so that values stay near 0...1.
enum NumericSlot: Int, CaseIterable {
    case promptTokens = 0
    case conversationTokens
    case lastUserTokens
    case turns
    case messageCount
    case hasTools
    case wantsJSON
    case hasImages
    case wantsReasoning
    case cjkShare
    case hasSystem
    case codeFence
    case codeSymbols
    case digits
    case lines

    /// Calls `body` with the index and value of each nonzero numeric feature.
    @inline(__always)
    static func forEachValue(of features: RequestFeatures, shape: TextShape, _ body: (Int, Double) -> Void) {
        func put(_ slot: NumericSlot, _ value: Double) {
            if value != 0 { body(slot.rawValue, value) }
        }
        func flag(_ slot: NumericSlot, _ on: Bool) {
            if on { body(slot.rawValue, 1) }
        }
        put(.promptTokens, log1p(Double(max(features.promptTokens, 0))) / 10)
        put(.conversationTokens, log1p(Double(max(features.conversationTokens, 0))) / 10)
        put(.lastUserTokens, log1p(Double(max(features.lastUserTokens, 0))) / 10)
        put(.turns, log1p(Double(max(features.turns, 0))) / 3)
        put(.messageCount, log1p(Double(max(features.messageCount, 0))) / 3)
        flag(.hasTools, features.hasTools)
        flag(.wantsJSON, features.wantsJSON)
        flag(.hasImages, features.hasImages)
        flag(.wantsReasoning, features.wantsReasoning)
        put(.cjkShare, features.cjkShare.isFinite ? min(max(features.cjkShare, 0), 1) : 0)
        flag(.hasSystem, !features.system.isEmpty)
        flag(.codeFence, shape.codeFences > 0)
        put(.codeSymbols, log1p(Double(shape.codeSymbols)) / 5)
        put(.digits, log1p(Double(shape.digits)) / 5)
        put(.lines, log1p(Double(shape.lines)) / 5)
    }
}
