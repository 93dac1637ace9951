import ArgumentParser
import Foundation
import Logging
import SluiceGateway
import SluiceLedger

/// `sluice keys create|list|revoke`: manage virtual keys in the ledger's store.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, list and revoke virtual keys.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and print its secret (shown this once; only a hash is stored).")

        @OptionGroup var ledger: LedgerOptions
        @Option(help: "The user or team the key belongs to.") var owner: String
        @Option(help: "Tier, such as free or paid.") var tier = "default"
        @Option(help: "Comma-separated models and routes the key may use (default: all).") var models: String?
        @Option(help: "Requests per minute.") var rpm: Int?
        @Option(help: "Tokens per minute.") var tpm: Int?
        @Option(help: "Budget as AMOUNT CURRENCY/PERIOD, such as '10 USD/month' or '50 CNY/day' or '100 USD/total'.")
        var budget: String?
        @Flag(help: "Let this key use the exact-match response cache.") var responseCache = false
        @Option(help: "Days until the key expires.") var expiresInDays: Double?

        func run() async throws {
            let (ledgerConfig, store) = try await ledger.openStore()
            var logger = Logger(label: "sluice")
            logger.logLevel = .warning
            let ledger = Ledger(store: store, settings: LedgerSettings(exchangeRates: ledgerConfig.exchangeRates), logger: logger)
            let spec = KeySpec(
                owner: owner, tier: tier,
                allowedModels: models.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? [],
                rpm: rpm, tpm: tpm, budget: try budget.map(Self.parseBudget), responseCache: responseCache,
                expiresAt: expiresInDays.map { Date().addingTimeInterval($0 * 86_400) })
            do {
                let (key, secret) = try await ledger.createKey(spec)
                print(secret)
                FileHandle.standardError.write(Data("created \(key.id) for \(key.owner) (tier \(key.tier)); the secret above is not shown again\n".utf8))
            } catch let error as LedgerError {
                try? await store.close()
                throw CLIError("\(error)")
            }
            try await store.close()
        }

        /// `10 USD/month`, `10USD/month`, `50 CNY/day`.
        static func parseBudget(_ text: String) throws -> Budget {
            let parts = text.split(separator: "/")
            guard parts.count == 2, let period = BudgetPeriod(rawValue: String(parts[1]).lowercased()) else {
                throw CLIError("--budget must look like '10 USD/month' (period day, month or total), got '\(text)'")
            }
            let amountAndCurrency = String(parts[0]).replacingOccurrences(of: " ", with: "")
            let digits = amountAndCurrency.prefix { $0.isNumber || $0 == "." }
            let currency = amountAndCurrency.dropFirst(digits.count)
            guard !currency.isEmpty, let limit = Money(String(digits), currency: Currency(String(currency))), limit.nanos > 0 else {
                throw CLIError("--budget must look like '10 USD/month' with a positive amount, got '\(text)'")
            }
            return Budget(limit: limit, period: period)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")

        @OptionGroup var ledger: LedgerOptions

        func run() async throws {
            let (_, store) = try await ledger.openStore()
            let keys = try await store.keys()
            try await store.close()
            let now = Date()
            var rows = [["ID", "PREFIX", "OWNER", "TIER", "MODELS", "RPM", "TPM", "BUDGET", "STATUS"]]
            for key in keys {
                let status = key.revokedAt != nil ? "revoked" : key.isExpired(at: now) ? "expired" : "active"
                rows.append([
                    key.id, key.displayPrefix + "…", key.owner, key.tier,
                    key.allowedModels.isEmpty ? "*" : key.allowedModels.joined(separator: ","),
                    key.rpm.map(String.init) ?? "-", key.tpm.map(String.init) ?? "-",
                    key.budget.map { "\($0.limit)/\($0.period.rawValue)" } ?? "-", status,
                ])
            }
            print(TableText.render(rows))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key by id. A running gateway stops accepting it within seconds.")

        @OptionGroup var ledger: LedgerOptions
        @Argument(help: "The key id (key_…).") var id: String

        func run() async throws {
            let (_, store) = try await ledger.openStore()
            do {
                let changed = try await store.revokeKey(id: id, at: Date())
                try await store.close()
                print(changed ? "revoked \(id)" : "\(id) was already revoked")
            } catch LedgerError.keyNotFound {
                try? await store.close()
                throw CLIError("no key with id \(id)")
            }
        }
    }
}

/// Left-aligned text columns.
enum TableText {
    static func render(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        let widths = first.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
