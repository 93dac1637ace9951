import Foundation
import SluiceAPI

/// Labelled data for the discriminator, one JSON object per line (JSONL):
///
/// ```
/// {"messages": [{"role": "user", "content": "Prove that √2 is irrational."}], "label": 1}
/// {"messages": [{"role": "user", "content": "hi!"}], "winner": "tie"}
/// ```
///
/// - `messages` (required): the conversation, as in a Chat Completions request; it needs a user message.
/// - `label`: 1 when the strong model's answer was needed, 0 when the weak model's would do
///   (`true`/`false` are accepted too).
/// - or `winner`: a pair preference between the strong and the weak model's answers: `strong` is 1;
///   `weak` and `tie` are 0, because on a tie the weak model sufficed (as RouteLLM counts it).
/// - optional `tools`, `response_format` and `reasoning_effort`, as in a request: they feed the
///   request features. Other members, such as `model`, are ignored.
///
/// Blank lines are skipped. A line that is not a valid example stops the load with
/// ``TrainingDataError/badLine(line:reason:)``, naming the line number and the problem.
public enum TrainingData {
    /// The model name given to requests read from training data (the features do not use it).
    public static let placeholderModel = "training"

    /// Reads and parses a JSONL file.
    public static func load(path: String) throws(TrainingDataError) -> [TrainingExample] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: Self.reason(error))
        }
        return try parse(data: data)
    }

    /// Parses JSONL text.
    public static func parse(jsonl: String) throws(TrainingDataError) -> [TrainingExample] {
        try parse(data: Data(jsonl.utf8))
    }

    /// Parses JSONL bytes (UTF-8; lines end with `\n` or `\r\n`).
    public static func parse(data: Data) throws(TrainingDataError) -> [TrainingExample] {
        let decoder = JSONDecoder()
        var examples: [TrainingExample] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { !Self.isWhitespace($0) }) else { continue }
            let parsed: TrainingLine
            do {
                parsed = try decoder.decode(TrainingLine.self, from: line)
            } catch let error as DecodingError {
                throw .badLine(line: lineNumber, reason: error.summary)
            } catch {
                throw .badLine(line: lineNumber, reason: Self.reason(error))
            }
            do {
                examples.append(try parsed.example())
            } catch {
                throw .badLine(line: lineNumber, reason: error.reason)
            }
        }
        return examples
    }

    /// The examples as JSONL: one line each, with `messages`, `label`, and `tools`, `response_format`
    /// and `reasoning_effort` when set.
    public static func jsonl(_ examples: [TrainingExample]) throws(TrainingDataError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for (index, example) in examples.enumerated() {
            do {
                data.append(try encoder.encode(TrainingLine(example)))
            } catch {
                // Only a number that is not finite (in a tool's schema, say) cannot be written.
                throw .unencodable(example: index, reason: "\(error)")
            }
            data.append(UInt8(ascii: "\n"))
        }
        return data
    }

    /// Writes the examples as a JSONL file (atomically: readers see the old file or the whole new one).
    public static func write(_ examples: [TrainingExample], to path: String) throws(TrainingDataError) {
        let data = try jsonl(examples)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .unwritable(path: path, reason: Self.reason(error))
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    /// A short reason for a file error: "no such file", "permission denied", or Foundation's wording.
    static func reason(_ error: any Error) -> String {
        if let error = error as? CocoaError {
            switch error.code {
            case .fileReadNoSuchFile, .fileNoSuchFile: return "no such file"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            default: break
            }
        }
        return (error as NSError).localizedDescription
    }
}
