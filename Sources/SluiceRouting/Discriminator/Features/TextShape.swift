/// Counts over a text's characters that hint at code or maths, taken while its words are hashed.
struct TextShape {
    /// Runs of three or more backticks (Markdown code fences).
    var codeFences = 0
    /// ASCII characters typical of code: `{ } [ ] ( ) ; = < > _ | & $ # \`.
    var codeSymbols = 0
    /// ASCII digits.
    var digits = 0
    /// Line breaks.
    var lines = 0
}
