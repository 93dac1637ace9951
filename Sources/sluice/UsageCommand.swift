import ArgumentParser
import Foundation
import SluiceGateway
import SluiceLedger

/// `sluice usage`: totals from the ledger by key, owner, model, route or day.
struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage", abstract: "Report usage and cost totals from the ledger.")

    @OptionGroup var ledger: LedgerOptions
    @Option(help: "key, owner, model, route or day.") var groupBy = "model"
    @Option(help: "From this day (YYYY-MM-DD, UTC) or RFC 3339 time.") var since: String?
    @Option(help: "Until this day or time (exclusive).") var until: String?
    @Option(help: "Only this key id.") var key: String?
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() async throws {
        let query: UsageQuery
        do {
            query = try UsageQueryParameters.query(groupBy: groupBy, since: since, until: until, keyID: key)
        } catch {
            throw CLIError("\(error)")
        }
        let (config, store) = try await ledger.openStore()
        let totals = try await store.usage(query)
        try await store.close()
        let currency = config.exchangeRates.base.code
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(totals), as: UTF8.self))
            return
        }
        var rows = [[groupBy.uppercased(), "REQUESTS", "ERRORS", "CACHE_HITS", "PROMPT", "CACHED", "COMPLETION", "REASONING", "COST_\(currency)"]]
        for total in totals {
            rows.append([
                total.group, "\(total.requests)", "\(total.errors)", "\(total.cacheHits)", "\(total.tokens.prompt)",
                "\(total.tokens.cached)", "\(total.tokens.completion)", "\(total.tokens.reasoning)", total.cost.amountText,
            ])
        }
        print(TableText.render(rows))
    }
}
