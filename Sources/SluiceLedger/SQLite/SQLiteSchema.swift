/// The SQLite ledger's tables. Each migration is a list of statements; the database records in
/// `schema_version` how many migrations it has had.
enum SQLiteSchema {
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE keys (
                id TEXT PRIMARY KEY NOT NULL,
                secret_hash TEXT NOT NULL UNIQUE,
                display_prefix TEXT NOT NULL,
                owner TEXT NOT NULL,
                tier TEXT NOT NULL,
                allowed_models TEXT NOT NULL,
                rpm INTEGER,
                tpm INTEGER,
                budget_limit_nanos INTEGER,
                budget_currency TEXT,
                budget_period TEXT,
                response_cache INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER,
                revoked_at INTEGER
            ) STRICT
            """,
            """
            CREATE TABLE usage (
                request_id TEXT NOT NULL UNIQUE,
                started_at INTEGER NOT NULL,
                key_id TEXT,
                owner TEXT,
                route TEXT NOT NULL,
                model TEXT NOT NULL,
                upstream TEXT NOT NULL,
                status INTEGER NOT NULL,
                prompt_tokens INTEGER NOT NULL,
                cached_tokens INTEGER NOT NULL,
                completion_tokens INTEGER NOT NULL,
                reasoning_tokens INTEGER NOT NULL,
                cost_nanos INTEGER NOT NULL,
                cost_currency TEXT NOT NULL,
                base_cost_nanos INTEGER NOT NULL,
                latency_ms INTEGER NOT NULL,
                ttft_ms INTEGER,
                experiment_arm TEXT,
                cache_hit INTEGER NOT NULL
            ) STRICT
            """,
            "CREATE INDEX usage_started_at ON usage (started_at)",
            "CREATE INDEX usage_key_started_at ON usage (key_id, started_at)",
            """
            CREATE TABLE budget_spend (
                key_id TEXT NOT NULL,
                period_start INTEGER NOT NULL,
                spent_nanos INTEGER NOT NULL,
                currency TEXT NOT NULL,
                PRIMARY KEY (key_id, period_start)
            ) STRICT, WITHOUT ROWID
            """,
        ],
        // Settlements travel on their usage row, and a trigger adds them to `budget_spend`: a batch of
        // records and its spend is then one INSERT statement (one round trip, atomic on its own), and a
        // row that is ignored as a duplicate settles nothing.
        [
            "ALTER TABLE usage ADD COLUMN charge_key_id TEXT",
            "ALTER TABLE usage ADD COLUMN charge_period INTEGER",
            "ALTER TABLE usage ADD COLUMN charge_nanos INTEGER",
            "ALTER TABLE usage ADD COLUMN charge_currency TEXT",
            """
            CREATE TRIGGER usage_settles_budget AFTER INSERT ON usage WHEN NEW.charge_nanos IS NOT NULL
            BEGIN
                INSERT INTO budget_spend (key_id, period_start, spent_nanos, currency)
                VALUES (NEW.charge_key_id, NEW.charge_period, NEW.charge_nanos, NEW.charge_currency)
                ON CONFLICT (key_id, period_start) DO UPDATE SET spent_nanos = spent_nanos + excluded.spent_nanos;
            END
            """,
        ],
        // The writer now adds a batch's settlements to `budget_spend` itself, one upsert per key and
        // period in the batch's transaction, instead of the trigger's upsert per row (measured: the
        // trigger cost about a sixth of a row's insert). `charge_*` stay on the row as its record.
        [
            "DROP TRIGGER IF EXISTS usage_settles_budget",
        ],
    ]
}

extension SQLiteStore {
    /// Creates the tables, or applies the migrations the file has not had yet. Throws if the file was
    /// written by a newer version of the ledger.
    public func migrate() async throws(LedgerError) {
        try await migrate(through: SQLiteSchema.migrations.count)
    }

    /// Applies the migrations up to and including number `target` (tests build older files with it).
    func migrate(through target: Int) async throws(LedgerError) {
        try await writeTransaction { () async throws(LedgerError) in
            try await writer.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT")
            let current = try await writer.rows("SELECT COALESCE(MAX(version), 0) AS version FROM schema_version")
                .first?.int("version") ?? 0
            guard current <= SQLiteSchema.migrations.count else {
                throw .storeFailure(
                    "the ledger at \(path) has schema version \(current); this build knows only up to \(SQLiteSchema.migrations.count)")
            }
            for (index, statements) in SQLiteSchema.migrations.prefix(target).enumerated().dropFirst(current) {
                for statement in statements { try await writer.execute(statement) }
                try await writer.execute("INSERT INTO schema_version (version) VALUES (?)", [.int(index + 1)])
                logger.info("migrated the SQLite ledger", metadata: ["path": "\(path)", "version": "\(index + 1)"])
            }
        }
    }
}
