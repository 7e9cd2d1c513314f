import API
import Foundation
import HTTPTransport
import Observability

/// `swiftrack server`'s options: each flag keeps `mlflow server`'s name and has environment twins.
struct ServerOptions {
    /// Handler threads on SQLite unless told otherwise (see `parse`).
    static let sqliteWorkers = 32
    /// SQLite reader connections: as many as the cores can keep busy twice over, whatever the workers.
    static var sqliteReaders: Int { max(2, HTTPServerConfiguration.processorCount * 2) }

    var backendStoreURI = "sqlite:///mlruns/mlflow.db"
    /// nil: `mlflow-artifacts:/` when serving artifacts, else `./mlruns/artifacts` (MLflow's rule).
    var defaultArtifactRoot: String?
    var serveArtifacts = true
    var artifactsDestination = "./mlruns/artifacts"
    var artifactsOnly = false
    /// Request log lines: text, json, or none.
    var logFormat = "text"
    /// Connections to PostgreSQL/MySQL (SQLite has one writer and `workers` readers).
    var dbPoolSize = 20
    /// How long a request waits for a pooled connection before it is answered 503.
    var dbPoolTimeoutSeconds = 30
    /// Serve `/metrics` on this port (same host) instead of the main one.
    var metricsPort: UInt16?
    /// Basic auth and permissions (`--app-name basic-auth` or `--auth basic`).
    var authEnabled = false
    /// The `basic_auth.ini`-style file; nil: built-in defaults.
    var authConfigPath: String?
    /// OpenID Connect bearer tokens (`--oidc-issuer`, `--oidc-audience`; over the file's [oidc]).
    var oidcIssuer: String?
    var oidcAudience: String?
    /// LDAP sign-in (`--ldap-uri`; over the file's [ldap] uri).
    var ldapURI: String?
    /// The audit database; nil: no audit log (on with `--audit` or `--audit-db-uri`).
    var auditDatabaseURI: String?
    /// HMAC key of the audit chain; nil: plain SHA-256.
    var auditKeyFile: String?
    var auditFailure = AuditFailurePolicy.open
    var auditQueueSize = 10_000
    /// Periodic audit checkpoints (`ServerOptions+Audit`); nil: none.
    var auditCheckpoints: AuditCheckpointOptions?
    var http = HTTPServerConfiguration()
    /// Trusted proxies, HTTPS required or not, HSTS (`ServerOptions+Transport`).
    var transport = TransportSecurity()
    /// The browser UI at `/` (`ServerOptions+UI`).
    var ui: (any WebSite)?
    /// Registry webhooks' address policy and retries (`ServerOptions+Webhooks`).
    var webhooks = WebhookOptions()
    /// Trace retention (`ServerOptions+TraceRetention`).
    var traceRetention = TraceRetentionOptions()
    /// Seconds a promotion waits for its version's seal (`ServerOptions+Sealing`).
    var sealWaitSeconds = 20
    /// Bytes of sealed files' checked copies held at once (`ServerOptions+Sealing`).
    var sealedCopyBytes = APIParts.defaultSealedCopyBytes

    static let knownFlags: Set<String> = Set<String>([
        "backend-store-uri", "default-artifact-root", "host", "port", "workers",
        "max-body-bytes", "connection-timeout", "connection-limit", "artifacts-destination", "log-format",
        "db-pool-size", "db-pool-timeout", "metrics-port", "app-name", "auth", "auth-config",
        "audit-db-uri", "audit-key-file", "audit-failure", "audit-queue-size",
    ]).union(transportFlags).union(uiFlags).union(webhookFlags).union(auditCheckpointFlags)
        .union(traceRetentionFlags).union(sealingFlags)
    static let booleanFlags: Set<String> = ["help", "serve-artifacts", "no-serve-artifacts", "artifacts-only",
                                            "require-https", "audit",
                                            "webhook-allow-private-targets"]

    /// The root new experiments get their artifact location under.
    var effectiveDefaultArtifactRoot: String {
        defaultArtifactRoot ?? (serveArtifacts ? "mlflow-artifacts:/" : "./mlruns/artifacts")
    }

    static let help = """
        swiftrack server [options]

          --backend-store-uri URI      sqlite:///relative/path.db, sqlite:////absolute/path.db,
                                       postgresql://user:pass@host:port/db[?sslmode=...] or
                                       mysql://user:pass@host:port/db[?ssl_ca=...]
                                       (also MLflow's postgresql+psycopg2:// and mysql+pymysql://)
                                       (default sqlite:///mlruns/mlflow.db)
                                       env SWIFTRACK_BACKEND_STORE_URI, MLFLOW_BACKEND_STORE_URI
          --db-pool-size N             PostgreSQL/MySQL connections (default 20)
                                       env SWIFTRACK_DB_POOL_SIZE
          --db-pool-timeout S          seconds a request waits for a connection before 503 (default 30)
                                       env SWIFTRACK_DB_POOL_TIMEOUT
          --default-artifact-root URI  where new experiments keep artifacts (default mlflow-artifacts:/
                                       when serving artifacts, else ./mlruns/artifacts)
                                       env SWIFTRACK_DEFAULT_ARTIFACT_ROOT, MLFLOW_DEFAULT_ARTIFACT_ROOT
          --serve-artifacts            proxy artifact uploads and downloads (the default)
          --no-serve-artifacts         clients read and write artifact roots directly
                                       env SWIFTRACK_SERVE_ARTIFACTS=false
          --artifacts-destination URI  where proxied artifacts are stored (default ./mlruns/artifacts)
                                       env SWIFTRACK_ARTIFACTS_DESTINATION, MLFLOW_ARTIFACTS_DESTINATION
          --artifacts-only             serve only the artifact proxy, not the tracking API
                                       env SWIFTRACK_ARTIFACTS_ONLY=true
          --metrics-port PORT          serve /metrics (and /health) on this port only, not on --port
                                       env SWIFTRACK_METRICS_PORT
          --app-name basic-auth        require Basic auth and enforce MLflow's permissions (also --auth basic)
                                       env SWIFTRACK_AUTH=basic
          --auth-config PATH           basic_auth.ini-style file: default_permission, database_uri,
                                       admin_username, admin_password (default: READ,
                                       sqlite:///basic_auth.db, admin, no password)
                                       env MLFLOW_AUTH_CONFIG_PATH; MLFLOW_AUTH_ADMIN_USERNAME and
                                       MLFLOW_AUTH_ADMIN_PASSWORD override the file
          --audit                      write every request to the audit log (docs/AUDIT.md) in
                                       sqlite:///swiftrack-audit.db unless --audit-db-uri names another
                                       env SWIFTRACK_AUDIT=true
          --audit-db-uri URI           the audit database (sqlite, postgresql or mysql URI, kept apart
                                       from the tracking data); giving it turns the audit log on
                                       env SWIFTRACK_AUDIT_DB_URI
          --audit-key-file PATH        chain the audit records with HMAC-SHA256 under this file's key
                                       (at least 16 bytes) instead of plain SHA-256
                                       env SWIFTRACK_AUDIT_KEY_FILE
          --audit-failure open|closed  when audit records cannot be kept: answer requests anyway and
                                       count the loss on /metrics (open, the default), or refuse them
                                       with 503 (closed)
                                       env SWIFTRACK_AUDIT_FAILURE
          --audit-queue-size N         audit records waiting to be written at most (default 10000)
                                       env SWIFTRACK_AUDIT_QUEUE_SIZE
        """ + "\n" + auditCheckpointHelp + "\n" + """
          --log-format FORMAT          one line per request as text (default), json, or none
                                       env SWIFTRACK_LOG_FORMAT
          --host HOST                  address to listen on (default 127.0.0.1)
                                       env SWIFTRACK_HOST, MLFLOW_HOST
          --port PORT                  port to listen on, 0 for any free one (default 5000)
                                       env SWIFTRACK_PORT, MLFLOW_PORT
          --workers N                  handler threads (default 2 x cores; on SQLite at least 32,
                                       so concurrent writes share transactions; with PostgreSQL or
                                       MySQL at least --db-pool-size)
                                       env SWIFTRACK_WORKERS, MLFLOW_WORKERS
          --max-body-bytes N           largest request body accepted (default 67108864)
                                       env SWIFTRACK_MAX_BODY_BYTES
          --connection-timeout S       idle/slow connection timeout in seconds (default 60)
                                       env SWIFTRACK_CONNECTION_TIMEOUT
          --connection-limit N         simultaneous connections (default 4096)
                                       env SWIFTRACK_CONNECTION_LIMIT
        """ + "\n" + transportHelp + "\n" + uiHelp + "\n" + webhookHelp + "\n" + traceRetentionHelp + "\n" + sealingHelp

    init(arguments: Arguments, environment: [String: String]) throws(UsageError) {
        for name in arguments.values.keys where !Self.knownFlags.contains(name) {
            throw UsageError("unknown option --\(name)")
        }
        func value(_ flag: String, _ variables: String...) -> String? {
            arguments.value(flag, environment: environment, variables: variables)
        }
        func integer(_ flag: String, _ variables: String..., range: ClosedRange<Int>) throws(UsageError) -> Int? {
            guard let text = arguments.value(flag, environment: environment, variables: variables) else { return nil }
            guard let number = Int(text), range.contains(number) else {
                throw UsageError("--\(flag) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
            }
            return number
        }
        if let uri = value("backend-store-uri", "SWIFTRACK_BACKEND_STORE_URI", "MLFLOW_BACKEND_STORE_URI") {
            backendStoreURI = uri
        }
        if let root = value("default-artifact-root", "SWIFTRACK_DEFAULT_ARTIFACT_ROOT", "MLFLOW_DEFAULT_ARTIFACT_ROOT") {
            defaultArtifactRoot = root
        }
        if let destination = value("artifacts-destination", "SWIFTRACK_ARTIFACTS_DESTINATION",
                                   "MLFLOW_ARTIFACTS_DESTINATION") {
            artifactsDestination = destination
        }
        if let serve = environment["SWIFTRACK_SERVE_ARTIFACTS"] { serveArtifacts = !["0", "false", "no"].contains(serve.lowercased()) }
        if arguments.has("serve-artifacts") { serveArtifacts = true }
        if arguments.has("no-serve-artifacts") { serveArtifacts = false }
        if let only = environment["SWIFTRACK_ARTIFACTS_ONLY"] { artifactsOnly = ["1", "true", "yes"].contains(only.lowercased()) }
        if arguments.has("artifacts-only") { artifactsOnly = true }
        if artifactsOnly && !serveArtifacts {
            throw UsageError("--artifacts-only needs --serve-artifacts")
        }
        if let format = value("log-format", "SWIFTRACK_LOG_FORMAT") {
            guard ["text", "json", "none"].contains(format) else {
                throw UsageError("--log-format must be text, json or none, got '\(format)'")
            }
            logFormat = format
        }
        if let host = value("host", "SWIFTRACK_HOST", "MLFLOW_HOST") { http.host = host }
        if let port = try integer("port", "SWIFTRACK_PORT", "MLFLOW_PORT", range: 0...65535) { http.port = UInt16(port) }
        let workers = try integer("workers", "SWIFTRACK_WORKERS", "MLFLOW_WORKERS", range: 1...1024)
        if let workers { http.workers = workers }
        if let bytes = try integer("max-body-bytes", "SWIFTRACK_MAX_BODY_BYTES", range: 1024...(1 << 34)) {
            http.maxBodyBytes = bytes
        }
        if let seconds = try integer("connection-timeout", "SWIFTRACK_CONNECTION_TIMEOUT", range: 1...86400) {
            http.connectionTimeoutSeconds = seconds
        }
        if let port = try integer("metrics-port", "SWIFTRACK_METRICS_PORT", range: 1...65535) {
            metricsPort = UInt16(port)
        }
        if let app = value("app-name") {
            guard app == "basic-auth" else { throw UsageError("--app-name must be basic-auth, got '\(app)'") }
            authEnabled = true
        }
        if let auth = value("auth", "SWIFTRACK_AUTH") {
            guard ["basic", "none"].contains(auth) else { throw UsageError("--auth must be basic or none, got '\(auth)'") }
            authEnabled = authEnabled || auth == "basic"
        }
        authConfigPath = value("auth-config", "MLFLOW_AUTH_CONFIG_PATH")
        try readAuditOptions(arguments: arguments, environment: environment)
        if let size = try integer("db-pool-size", "SWIFTRACK_DB_POOL_SIZE", range: 1...1000) { dbPoolSize = size }
        if let seconds = try integer("db-pool-timeout", "SWIFTRACK_DB_POOL_TIMEOUT", range: 1...3600) {
            dbPoolTimeoutSeconds = seconds
        }
        // A handler waiting on PostgreSQL or MySQL holds a worker for network round trips, not CPU:
        // unless told otherwise, run as many workers as pooled connections so the pool is used.
        if workers == nil, !backendStoreURI.lowercased().hasPrefix("sqlite") {
            http.workers = max(http.workers, dbPoolSize)
        }
        // On SQLite a write waits for the one writer, and the writes waiting together share one
        // transaction (group commit): more workers make larger batches. runs/create at 64 clients
        // on 2 cores: 4 workers 6,640 req/s (1.2 writes per transaction), 16 7,735, 32 8,739,
        // 64 8,213. Readers stay at 2 x cores (`sqliteReaders`): more would only hold more caches.
        if workers == nil, backendStoreURI.lowercased().hasPrefix("sqlite") {
            http.workers = max(http.workers, Self.sqliteWorkers)
        }
        if let limit = try integer("connection-limit", "SWIFTRACK_CONNECTION_LIMIT", range: 1...100_000) {
            http.connectionLimit = limit
        }
        try parseTransport(arguments, environment: environment)
        ui = try webSite(arguments, environment: environment)
        webhooks = try Self.webhookOptions(arguments, environment: environment)
        traceRetention = try Self.traceRetentionOptions(arguments, environment: environment)
        sealWaitSeconds = try Self.sealWaitSeconds(arguments, environment: environment)
        sealedCopyBytes = try Self.sealedCopyBytes(arguments, environment: environment)
    }

    /// A local artifact root made absolute; URIs with a scheme are kept as given.
    static func resolvedArtifactRoot(_ root: String) -> String {
        if root.contains("://") || root.hasPrefix("mlflow-artifacts:") { return root }
        return absolutePath(root)
    }

    static func absolutePath(_ path: String) -> String {
        let base = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: base).standardizedFileURL.path
    }
}
