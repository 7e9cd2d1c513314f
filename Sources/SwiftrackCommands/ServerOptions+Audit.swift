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
        try readAuditCheckpointOptions(arguments: arguments, environment: environment)
    }

    static let auditCheckpointFlags: Set<String> = ["audit-checkpoint-dir", "audit-checkpoint-every",
                                                    "audit-checkpoint-minutes"]

    static let auditCheckpointHelp = """
          --audit-checkpoint-dir DIR   write a signed checkpoint of the audit chain's head into DIR every
                                       --audit-checkpoint-every records or --audit-checkpoint-minutes,
                                       and at shutdown; ship DIR elsewhere (docs/AUDIT.md)
                                       env SWIFTRACK_AUDIT_CHECKPOINT_DIR
          --audit-checkpoint-every N   records between checkpoints at most (default 1000)
                                       env SWIFTRACK_AUDIT_CHECKPOINT_EVERY
          --audit-checkpoint-minutes M minutes between checkpoints at most while records come in (default 10)
                                       env SWIFTRACK_AUDIT_CHECKPOINT_MINUTES
        """

    /// `--audit-checkpoint-dir`, `--audit-checkpoint-every`, `--audit-checkpoint-minutes` and their twins.
    private mutating func readAuditCheckpointOptions(arguments: Arguments,
                                                     environment: [String: String]) throws(UsageError) {
        func integer(_ flag: String, _ variable: String, default value: Int) throws(UsageError) -> Int {
            guard let text = arguments.value(flag, environment: environment, variables: [variable]) else { return value }
            guard let number = Int(text), (1...100_000_000).contains(number) else {
                throw UsageError("--\(flag) must be an integer in 1...100000000, got '\(text)'")
            }
            return number
        }
        let every = try integer("audit-checkpoint-every", "SWIFTRACK_AUDIT_CHECKPOINT_EVERY", default: 1000)
        let minutes = try integer("audit-checkpoint-minutes", "SWIFTRACK_AUDIT_CHECKPOINT_MINUTES", default: 10)
        guard let directory = arguments.value("audit-checkpoint-dir", environment: environment,
                                              variables: ["SWIFTRACK_AUDIT_CHECKPOINT_DIR"]) else {
            auditCheckpoints = nil
            return
        }
        guard auditDatabaseURI != nil else {
            throw UsageError("--audit-checkpoint-dir needs the audit log on (--audit or --audit-db-uri)")
        }
        auditCheckpoints = AuditCheckpointOptions(directory: directory, everyRecords: every, minutes: minutes)
    }
}

/// Where and how often the server writes audit checkpoints (`--audit-checkpoint-dir`).
struct AuditCheckpointOptions {
    var directory: String
    var everyRecords: Int
    var minutes: Int
}
