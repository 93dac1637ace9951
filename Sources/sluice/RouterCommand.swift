import ArgumentParser
import Foundation
import SluiceRouting

/// `sluice router train|eval|synth`: the discriminator that picks the strong or the weak model of a route.
struct RouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router", abstract: "Train and evaluate the routing discriminator (strong vs weak model).",
        subcommands: [Train.self, Eval.self, Synth.self])

    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a discriminator on labelled JSONL and calibrate its threshold to a cost target.",
            discussion: """
                Each line is {"messages": [...], "label": 1|0} (1: the strong model's answer was needed) or a pair \
                preference {"messages": [...], "winner": "strong"|"weak"|"tie"} (a tie counts as 0). Give either \
                --target-share, or --budget-per-1k with --strong-cost and --weak-cost; with neither, the target \
                share is 0.3.
                """)

        @Option(help: "Labelled JSONL file.") var data: String
        @Option(help: "Where to write the model (JSON).") var out: String
        @Option(help: "Share of requests to send to the strong model, 0...1.") var targetShare: Double?
        @Option(name: .customLong("budget-per-1k"), help: "Budget per 1,000 requests (same currency as the costs).")
        var budgetPer1k: Double?
        @Option(help: "Average cost of one request on the strong model (with --budget-per-1k).") var strongCost: Double?
        @Option(help: "Average cost of one request on the weak model (with --budget-per-1k).") var weakCost: Double?
        @Option(help: "Share of the examples held out to set the threshold and measure AUC.") var calibrationShare = 0.2
        @Option(help: "Passes over the training examples.") var epochs = 8
        @Option(help: "Seed of the split and the shuffles.") var seed: UInt64 = 42

        func validate() throws {
            let budgetParts = [budgetPer1k, strongCost, weakCost].compactMap { $0 }.count
            if targetShare != nil, budgetParts > 0 {
                throw ValidationError("give either --target-share or --budget-per-1k, not both")
            }
            if budgetParts > 0, budgetParts < 3 {
                throw ValidationError("--budget-per-1k needs --strong-cost and --weak-cost (and the other way round)")
            }
        }

        /// The cost target the options describe.
        var target: CostTarget {
            if let budgetPer1k, let strongCost, let weakCost {
                return .budgetPer1k(budget: budgetPer1k, strongCost: strongCost, weakCost: weakCost)
            }
            return .strongShare(targetShare ?? 0.3)
        }

        func run() async throws {
            let examples: [TrainingExample]
            let model: DiscriminatorModel
            do {
                examples = try TrainingData.load(path: data)
                let positives = examples.count { $0.needsStrong }
                print("read \(examples.count) examples from \(data): \(positives) (\(Format.percent(examples.isEmpty ? 0 : Double(positives) / Double(examples.count)))) need the strong model")
                let trainer = DiscriminatorTrainer(epochs: epochs, calibrationShare: calibrationShare, seed: seed)
                model = try trainer.train(examples, target: target)
                try DiscriminatorFile.save(model, to: out)
            } catch let error as TrainingDataError {
                throw CLIError("\(error)")
            } catch let error as DiscriminatorTrainingError {
                throw CLIError("\(error)")
            } catch let error as DiscriminatorFileError {
                throw CLIError("\(error)")
            }
            let facts = model.calibration
            print("trained on \(facts.trainingExamples) examples (\(facts.epochs) epochs, seed \(facts.seed)); calibrated on \(facts.calibrationExamples)")
            print("AUC on the calibration set: \(facts.auc.map { Format.fixed($0, 3) } ?? "- (it holds one class only)")")
            print("target: \(Format.target(facts.target)) → threshold \(Format.fixed(model.threshold, 4)); strong share on the calibration set: \(Format.percent(facts.achievedShare))")
            print("wrote \(out) (\(model.nonzeroWeights) nonzero weights of \(model.dimensions))")
        }
    }

    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print quality kept against the share of strong calls over a threshold sweep.",
            discussion: """
                Quality: a request is served well when it goes to the strong model or does not need it. Quality \
                kept is relative to always using the strong model; PGR (performance gap recovered) is \
                (quality − all-weak) ÷ (all-strong − all-weak), as in RouteLLM.
                """)

        @Option(help: "The model file (from `router train`).") var model: String
        @Option(help: "Labelled JSONL file to evaluate on (held out from training).") var data: String
        @Option(help: "Sweep steps: thresholds sending 0, 1/steps, …, all requests to the strong model.") var steps = 10

        func validate() throws {
            guard (1...1000).contains(steps) else { throw ValidationError("--steps must be 1...1000") }
        }

        func run() async throws {
            let loaded: DiscriminatorModel
            let examples: [TrainingExample]
            do {
                loaded = try DiscriminatorFile.load(path: model)
                examples = try TrainingData.load(path: data)
            } catch let error as DiscriminatorFileError {
                throw CLIError("\(error)")
            } catch let error as TrainingDataError {
                throw CLIError("\(error)")
            }
            guard !examples.isEmpty else { throw CLIError("\(data) holds no examples") }
            let evaluation = DiscriminatorEvaluation(model: loaded, examples: examples)
            let positives = examples.count { $0.needsStrong }
            print("model \(model): threshold \(Format.fixed(loaded.threshold, 4)) for \(Format.target(loaded.calibration.target)), trained on \(loaded.calibration.trainingExamples) examples")
            print("evaluated on \(examples.count) examples from \(data): \(positives) (\(Format.percent(Double(positives) / Double(examples.count)))) need the strong model")
            print("AUC: \(evaluation.auc.map { Format.fixed($0, 3) } ?? "- (one class only)")")
            print("")
            var rows = [["THRESHOLD", "STRONG %", "QUALITY %", "QUALITY KEPT %", "PGR %"]]
            for row in evaluation.sweep(steps: steps) { rows.append(Self.cells(row)) }
            print(TableText.render(rows))
            print("")
            let cells = Self.cells(evaluation.row(threshold: loaded.threshold)).map { $0.trimmingCharacters(in: .whitespaces) }
            print("at the model's threshold \(cells[0]): strong \(cells[1])%, quality \(cells[2])%, quality kept \(cells[3])%, PGR \(cells[4])%")
        }

        static func cells(_ row: DiscriminatorEvaluation.Row) -> [String] {
            [
                Format.fixed(row.threshold, 4), Format.percentNumber(row.strongShare), Format.percentNumber(row.quality),
                row.qualityKept.map(Format.percentNumber) ?? "-", row.pgr.map(Format.percentNumber) ?? "-",
            ]
        }
    }

    struct Synth: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a synthetic labelled set (English and Chinese, with a known rule) to try the router on.")

        @Option(help: "Where to write the JSONL.") var out: String
        @Option(help: "Number of examples.") var count = 5_000
        @Option(help: "Seed: the same seed gives the same file.") var seed: UInt64 = 7
        @Option(help: "Share of labels flipped, 0...1.") var labelNoise = 0.03

        func validate() throws {
            guard count > 0 else { throw ValidationError("--count must be at least 1") }
            guard (0...1).contains(labelNoise) else { throw ValidationError("--label-noise must be 0...1") }
        }

        func run() async throws {
            let examples = SyntheticRoutingSet(seed: seed, labelNoise: labelNoise).examples(count: count)
            do {
                try TrainingData.write(examples, to: out)
            } catch {
                throw CLIError("\(error)")
            }
            let positives = examples.count { $0.needsStrong }
            print("wrote \(count) examples to \(out): \(positives) (\(Format.percent(Double(positives) / Double(count)))) need the strong model (seed \(seed), \(Format.percent(labelNoise)) of labels flipped)")
        }
    }
}

/// Number formatting for the router's output.
private enum Format {
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    /// `41.7%`.
    static func percent(_ share: Double) -> String {
        String(format: "%.1f%%", share * 100)
    }

    /// ` 41.7`, padded to five characters so that table columns line up.
    static func percentNumber(_ share: Double) -> String {
        String(format: "%5.1f", share * 100)
    }

    static func target(_ target: CostTarget) -> String {
        switch target {
        case .strongShare(let share):
            return "strong share \(percent(share))"
        case .budgetPer1k(let budget, let strongCost, let weakCost):
            return "budget \(budget) per 1k requests at \(strongCost) strong / \(weakCost) weak per request "
                + "(strong share \(percent(target.share)))"
        }
    }
}
