import Testing
@testable import SluiceLedger

@Suite("PostgreSQL store URLs")
struct PostgresStoreURLTests {
    @Test("a URL gives host, port, user, password and database, percent-decoded")
    func parses() throws {
        let configuration = try PostgresURL.configuration("postgres://app%40ops:p%2Fss@db.internal:6543/ledger%5Fmain?sslmode=disable")
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "app@ops")
        #expect(configuration.password == "p/ss")
        #expect(configuration.database == "ledger_main")
    }

    @Test("defaults: port 5432, user postgres, no password, the server's default database")
    func defaults() throws {
        let configuration = try PostgresURL.configuration("postgresql://localhost")
        #expect(configuration.port == 5432)
        #expect(configuration.username == "postgres")
        #expect(configuration.password == nil)
        #expect(configuration.database == nil)
    }

    @Test("a bad URL or sslmode is refused without repeating the password", arguments: [
        "mysql://u:hunter2@h/db", "postgres://u:hunter2@/db", "postgres://u:hunter2@h/db?sslmode=sometimes", "not a url hunter2",
    ])
    func refuses(url: String) {
        #expect {
            try PostgresURL.configuration(url)
        } throws: { error in
            guard case .invalidArgument(let message) = error as? LedgerError else { return false }
            return !message.contains("hunter2")
        }
    }
}
