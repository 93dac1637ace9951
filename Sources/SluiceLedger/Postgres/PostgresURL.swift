import Foundation
import PostgresNIO

/// Reads a connection URL such as `postgres://user:password@host:5432/database?sslmode=require` into a
/// client configuration.
///
/// `sslmode` follows libpq: `disable`; `prefer` (the default: TLS if the server offers it, without
/// verifying the certificate); `require` (TLS, certificate not verified); `verify-ca` (chain verified);
/// `verify-full` (chain and host name verified). The port defaults to 5432, the user to `postgres`.
enum PostgresURL {
    static func configuration(_ text: String) throws(LedgerError) -> PostgresClient.Configuration {
        // Messages never repeat the URL: it may hold a password.
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgres", "postgresql"].contains(scheme)
        else { throw .invalidArgument("the PostgreSQL URL must look like postgres://user:password@host:port/database") }
        guard let host = url.host, !host.isEmpty else { throw .invalidArgument("the PostgreSQL URL names no host") }
        let database = String(url.path.drop(while: { $0 == "/" }))
        var tls = PostgresClient.Configuration.TLS.prefer(clientTLS(.none))
        if let mode = url.queryItems?.first(where: { $0.name == "sslmode" })?.value {
            switch mode {
            case "disable": tls = .disable
            case "allow", "prefer": tls = .prefer(clientTLS(.none))
            case "require": tls = .require(clientTLS(.none))
            case "verify-ca": tls = .require(clientTLS(.noHostnameVerification))
            case "verify-full": tls = .require(clientTLS(.fullVerification))
            default: throw .invalidArgument("unknown sslmode '\(mode)' in the PostgreSQL URL")
            }
        }
        return PostgresClient.Configuration(
            host: host, port: url.port ?? 5432, username: url.user ?? "postgres", password: url.password,
            database: database.isEmpty ? nil : database.removingPercentEncoding ?? database, tls: tls)
    }

    private static func clientTLS(_ verification: CertificateVerification) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = verification
        return configuration
    }
}
