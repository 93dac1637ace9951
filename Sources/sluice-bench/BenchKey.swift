/// The bearer key every bench request carries. LiteLLM refuses to start without a strong master key,
/// so the bench makes one per run and gives it to LiteLLM as `LITELLM_MASTER_KEY`; Sluice and the mock
/// ignore it.
enum BenchKey {
    static let value: String = {
        var generator = SystemRandomNumberGenerator()
        let digits = (0..<4).map { _ in
            let text = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }
        return "sk-bench-" + digits.joined()
    }()
}
