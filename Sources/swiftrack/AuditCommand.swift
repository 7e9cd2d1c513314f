import Audit
import Foundation

/// `swiftrack audit verify|export`: checks the audit database's hash chain, or prints its
/// records as JSON lines, without a running server.
enum AuditCommand {
    static let usage = """
        usage:
          swiftrack audit verify [--audit-db-uri URI] [--audit-key-file PATH]
                walk the hash chain: exit 0 with the record count, or 1 naming the first bad record
          swiftrack audit export --since (ISO8601 | MILLIS) [--until (ISO8601 | MILLIS)] [--format jsonl]
                                 [--audit-db-uri URI]
                one JSON object per record answered in [since, until), in chain order, on standard output
        options: --audit-db-uri URI (env SWIFTRACK_AUDIT_DB_URI; default \(ServerOptions.defaultAuditDatabaseURI))
                 --audit-key-file PATH (env SWIFTRACK_AUDIT_KEY_FILE), needed to verify a keyed chain
        """
    static let pageSize = 1000

    static func run(_ arguments: [String], environment: [String: String]) throws -> Int32 {
        let parsed = try Arguments(arguments, booleanFlags: ["help"])
        guard let verb = parsed.positional.first, !parsed.has("help") else {
            print(usage)
            return parsed.has("help") ? 0 : 2
        }
        let uri = parsed.value("audit-db-uri", environment: environment, variables: ["SWIFTRACK_AUDIT_DB_URI"])
            ?? ServerOptions.defaultAuditDatabaseURI
        let keyFile = parsed.value("audit-key-file", environment: environment, variables: ["SWIFTRACK_AUDIT_KEY_FILE"])
        switch verb {
        case "verify":
            let opened = try AuditComposition.open(uri, keyFile: keyFile, mustExist: true)
            defer { opened.database.close() }
            return try verify(opened.store)
        case "export":
            guard parsed.values["format", default: "jsonl"] == "jsonl" else { throw UsageError("--format must be jsonl") }
            guard let sinceText = parsed.values["since"] else { throw UsageError("audit export needs --since") }
            let since = try AuditTime.millis(sinceText)
            let until = try parsed.values["until"].map(AuditTime.millis)
            let opened = try AuditComposition.open(uri, keyFile: keyFile, mustExist: true)
            defer { opened.database.close() }
            try export(opened.store, since: since, until: until)
            return 0
        default:
            throw UsageError("unknown command 'audit \(verb)'; see `swiftrack audit --help`")
        }
    }

    static func verify(_ store: SQLAuditStore) throws -> Int32 {
        var verifier = AuditChainVerifier(chain: store.chain)
        var after: Int64 = 0
        while true {
            let page = try store.entries(after: after, limit: pageSize)
            for entry in page {
                if let problem = verifier.check(entry) { return report(problem) }
            }
            guard let last = page.last else { break }
            after = last.sequence
        }
        let head = try store.head()
        if let problem = verifier.finish(head: head) { return report(problem) }
        print("audit verify: OK: \(verifier.count) records, chain head at record \(head.sequence) (hash \(head.hash))")
        return 0
    }

    private static func report(_ problem: AuditChainProblem) -> Int32 {
        print("audit verify: FAILED at record \(problem.sequence): \(problem.reason)")
        return 1
    }

    static func export(_ store: SQLAuditStore, since: Int64, until: Int64?) throws {
        var after: Int64 = 0
        let output = FileHandle.standardOutput
        while true {
            let page = try store.entries(after: after, limit: pageSize, sinceMillis: since, untilMillis: until)
            guard let last = page.last else { return }
            output.write(Data(page.map(AuditExport.jsonLine).joined().utf8))
            after = last.sequence
        }
    }
}
