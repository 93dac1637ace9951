import PostgresNIO

/// The PostgreSQL ledger's tables. Each migration is a list of statements; the database records in
/// `schema_version` how many migrations it has had. Instants are BIGINT microseconds since 1970 and
/// amounts BIGINT nanos, as in the SQLite store.
enum PostgresSchema {
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE keys (
                id TEXT PRIMARY KEY,
                secret_hash TEXT NOT NULL UNIQUE,
                display_prefix TEXT NOT NULL,
                owner TEXT NOT NULL,
                tier TEXT NOT NULL,
                allowed_models TEXT NOT NULL,
                rpm BIGINT,
                tpm BIGINT,
                budget_limit_nanos BIGINT,
                budget_currency TEXT,
                budget_period TEXT,
                response_cache BOOLEAN NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT,
                revoked_at BIGINT
            )
            """,
            """
            CREATE TABLE usage (
                request_id TEXT PRIMARY KEY,
                started_at BIGINT NOT NULL,
                key_id TEXT,
                owner TEXT,
                route TEXT NOT NULL,
                model TEXT NOT NULL,
                upstream TEXT NOT NULL,
                status BIGINT NOT NULL,
                prompt_tokens BIGINT NOT NULL,
                cached_tokens BIGINT NOT NULL,
                completion_tokens BIGINT NOT NULL,
                reasoning_tokens BIGINT NOT NULL,
                cost_nanos BIGINT NOT NULL,
                cost_currency TEXT NOT NULL,
                base_cost_nanos BIGINT NOT NULL,
                latency_ms BIGINT NOT NULL,
                ttft_ms BIGINT,
                experiment_arm TEXT,
                cache_hit BOOLEAN NOT NULL
            )
            """,
            "CREATE INDEX usage_started_at ON usage (started_at)",
            "CREATE INDEX usage_key_started_at ON usage (key_id, started_at)",
            """
            CREATE TABLE budget_state (
                key_id TEXT NOT NULL,
                period_start BIGINT NOT NULL,
                spent_nanos BIGINT NOT NULL,
                reserved_nanos BIGINT NOT NULL,
                currency TEXT NOT NULL,
                PRIMARY KEY (key_id, period_start)
            )
            """,
            """
            CREATE TABLE budget_reservations (
                id TEXT PRIMARY KEY,
                key_id TEXT NOT NULL,
                period_start BIGINT NOT NULL,
                amount_nanos BIGINT NOT NULL,
                currency TEXT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX budget_reservations_expires_at ON budget_reservations (expires_at)",
        ],
    ]
}

extension PostgresStore {
    /// Creates the schema and tables, or applies the migrations the database has not had yet, holding an
    /// advisory lock so that replicas starting together migrate once. Throws if the database was written
    /// by a newer version of the ledger.
    public func migrate() async throws(LedgerError) {
        let lockName = "sluice-ledger-migrate:\(schema ?? "")"
        try await transaction { [self] (connection) async throws(LedgerError) in
            try await connection.rows("SELECT pg_advisory_xact_lock(hashtext(\(lockName)))::TEXT", logger: logger)
            if let schema {
                // The name was checked in `init` to be a plain identifier.
                try await connection.rows("CREATE SCHEMA IF NOT EXISTS \(unescaped: schema)", logger: logger)
            }
            try await connection.rows(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", logger: logger)
            let current = try await connection.rows(
                "SELECT COALESCE(MAX(version), 0)::BIGINT AS version FROM schema_version", logger: logger
            ).first?.int("version") ?? 0
            guard current <= PostgresSchema.migrations.count else {
                throw .storeFailure(
                    "the ledger database has schema version \(current); this build knows only up to \(PostgresSchema.migrations.count)")
            }
            for (index, statements) in PostgresSchema.migrations.enumerated().dropFirst(current) {
                for statement in statements {
                    try await connection.rows(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.rows("INSERT INTO schema_version (version) VALUES (\(Int32(index + 1)))", logger: logger)
                logger.info("migrated the PostgreSQL ledger", metadata: ["version": "\(index + 1)"])
            }
        }
    }
}

extension PostgresStore {
    /// Drops the store's schema and everything in it (for tests that each use a schema of their own).
    func dropSchema() async throws(LedgerError) {
        guard let schema else { throw .invalidArgument("the store has no schema of its own to drop") }
        try await rows("DROP SCHEMA IF EXISTS \(unescaped: schema) CASCADE")
    }
}
