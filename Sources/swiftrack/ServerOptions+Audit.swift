import Observability

extension ServerOptions {
    /// The audit database when only `--audit` is given (relative to the working directory).
    static let defaultAuditDatabaseURI = "sqlite:///swiftrack-audit.db"

    /// `--audit`, `--audit-db-uri`, `--audit-key-file`, `--audit-failure`, `--audit-queue-size` and their twins.
    mutating func readAuditOptions(arguments: Arguments, environment: [String: String]) throws(UsageError) {
        let switchedOn = arguments.has("audit")
            || ["1", "true", "yes"].contains((environment["SWIFTRACK_AUDIT"] ?? "").lowercased())
        auditDatabaseURI = arguments.value("audit-db-uri", environment: environment, variables: ["SWIFTRACK_AUDIT_DB_URI"])
            ?? (switchedOn ? Self.defaultAuditDatabaseURI : nil)
        auditKeyFile = arguments.value("audit-key-file", environment: environment, variables: ["SWIFTRACK_AUDIT_KEY_FILE"])
        if let text = arguments.value("audit-failure", environment: environment, variables: ["SWIFTRACK_AUDIT_FAILURE"]) {
            guard let policy = AuditFailurePolicy(rawValue: text) else {
                throw UsageError("--audit-failure must be open or closed, got '\(text)'")
            }
            auditFailure = policy
        }
        if let text = arguments.value("audit-queue-size", environment: environment, variables: ["SWIFTRACK_AUDIT_QUEUE_SIZE"]) {
            guard let size = Int(text), (1...10_000_000).contains(size) else {
                throw UsageError("--audit-queue-size must be an integer in 1...10000000, got '\(text)'")
            }
            auditQueueSize = size
        }
        if auditDatabaseURI == nil, auditKeyFile != nil {
            throw UsageError("--audit-key-file needs the audit log on (--audit or --audit-db-uri)")
        }
    }
}
