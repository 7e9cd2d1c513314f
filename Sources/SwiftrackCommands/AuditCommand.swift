import Audit
import Foundation

/// `swiftrack audit verify|checkpoint|export`: checks the audit database's hash chain (against
/// checkpoints kept elsewhere), writes a checkpoint of a verified chain, or prints its records
/// as JSON lines, without a running server.
enum AuditCommand {
    static let usage = """
        usage:
          swiftrack audit verify [--checkpoint FILE|DIR ...] [--audit-db-uri URI] [--audit-key-file PATH]
                walk the hash chain and check the head (and each checkpoint: that record with that hash
                is still there): exit 0 with the record count, or 1 naming the first problem
          swiftrack audit checkpoint [--output FILE] [--checkpoint FILE|DIR ...] [--audit-db-uri URI]
                                     [--audit-key-file PATH]
                verify, then write a checkpoint of the head (signed with the key) to FILE or standard
                output: keep it away from the audit database (another host, a write-once bucket)
          swiftrack audit reseal --audit-key-file PATH (--checkpoint FILE|DIR ... | --without-checkpoints)
                                 [--audit-db-uri URI]
                verify all but the head's seal, then seal the head again: after an older swiftrack
                wrote to a keyed log (it moves the head without its seal), never after tampering
          swiftrack audit export --since (ISO8601 | MILLIS) [--until (ISO8601 | MILLIS)] [--format jsonl]
                                 [--audit-db-uri URI]
                one JSON object per record answered in [since, until), in chain order, on standard output
        options: --audit-db-uri URI (env SWIFTRACK_AUDIT_DB_URI; default \(ServerOptions.defaultAuditDatabaseURI))
                 --audit-key-file PATH (env SWIFTRACK_AUDIT_KEY_FILE), needed for a keyed chain
                 --checkpoint FILE|DIR, repeatable: a checkpoint file, or a directory's audit-checkpoint-*.json
        """
    static let pageSize = 1000

    static func run(_ arguments: [String], environment: [String: String]) throws -> Int32 {
        let (checkpointPaths, rest) = try AuditCheckpointFiles.splitOptions(arguments)
        let parsed = try Arguments(rest, booleanFlags: ["help", "without-checkpoints"])
        guard let verb = parsed.positional.first, !parsed.has("help") else {
            print(usage)
            return parsed.has("help") ? 0 : 2
        }
        let uri = parsed.value("audit-db-uri", environment: environment, variables: ["SWIFTRACK_AUDIT_DB_URI"])
            ?? ServerOptions.defaultAuditDatabaseURI
        let keyFile = parsed.value("audit-key-file", environment: environment, variables: ["SWIFTRACK_AUDIT_KEY_FILE"])
        switch verb {
        case "reseal":
            // Without a checkpoint a head moved back (with its records cut) verifies as well as
            // one an older swiftrack left: make the operator say they accept that.
            guard !checkpointPaths.isEmpty || parsed.has("without-checkpoints") else {
                throw UsageError("audit reseal needs --checkpoint (your newest), or --without-checkpoints to seal "
                                 + "whatever head verifies, a head moved back after a cut included")
            }
            let checkpoints = try AuditCheckpointFiles.load(checkpointPaths)
            let opened = try AuditComposition.open(uri, keyFile: keyFile, mustExist: true)
            defer { opened.database.close() }
            return try reseal(opened.store, checkpoints: checkpoints)
        case "verify", "checkpoint":
            let checkpoints = try AuditCheckpointFiles.load(checkpointPaths)
            let opened = try AuditComposition.open(uri, keyFile: keyFile, mustExist: true)
            defer { opened.database.close() }
            // With the checkpoint on standard output, the verdict goes to standard error.
            let toStandardError = verb == "checkpoint" && parsed.values["output"] == nil
            let say: (String) -> Void = { line in
                if toStandardError { FileHandle.standardError.write(Data((line + "\n").utf8)) } else { print(line) }
            }
            guard let head = try verify(opened.store, checkpoints: checkpoints, say: say) else { return 1 }
            if verb == "checkpoint" { try writeCheckpoint(head, chain: opened.store.chain, to: parsed.values["output"], say: say) }
            return 0
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

    /// Walks the chain against `checkpoints`; the verified head, or nil after reporting the
    /// first problem. Says what the check could not have caught, which depends on the key and
    /// on whether checkpoints were given.
    static func verify(_ store: SQLAuditStore, checkpoints: [AuditCheckpointClaim], ignoringSeal: Bool = false,
                       say: (String) -> Void = { print($0) }) throws -> AuditChainHead? {
        let chain = store.chain
        for claim in checkpoints {
            if let refusal = claim.checkpoint.refusal(for: chain) {
                say("audit verify: FAILED: checkpoint \(claim.source) refused: \(refusal)")
                return nil
            }
        }
        var verifier = AuditChainVerifier(chain: chain, checkpoints: checkpoints)
        var after: Int64 = 0
        while true {
            let page = try store.entries(after: after, limit: pageSize)
            for entry in page {
                if let problem = verifier.check(entry) { return report(problem, say: say) }
            }
            guard let last = page.last else { break }
            after = last.sequence
        }
        let stored = try store.storedHead()
        if let problem = verifier.finish(head: stored, ignoringSeal: ignoringSeal) { return report(problem, say: say) }
        let head = stored.head
        say("audit verify: OK: \(verifier.count) records, chain head at record \(head.sequence) (hash \(head.hash))"
            + (chain.mode == .hmacSHA256 && !ignoringSeal ? ", head sealed with the key" : ""))
        if !checkpoints.isEmpty {
            let latest = checkpoints.map(\.checkpoint.sequence).max() ?? 0
            say("audit verify: \(verifier.checkpointsMatched) of \(checkpoints.count) checkpoints matched "
                + "(the latest names record \(latest))")
        }
        switch (chain.mode, checkpoints.isEmpty) {
        case (.sha256, true):
            say("audit verify: note: the chain is not keyed (no --audit-key-file): whoever can write to the audit "
                + "database can cut records from the end and move the head back, or rewrite the whole chain, and "
                + "this check cannot tell; checkpoints kept elsewhere (--checkpoint) can")
        case (.sha256, false):
            say("audit verify: note: the chain is not keyed: its checkpoints are unsigned, as trustworthy as the "
                + "place they were kept; records written after the latest checkpoint are unprotected")
        case (.hmacSHA256, true):
            say("audit verify: note: without --checkpoint, records cut from the end together with the head row put "
                + "back from an earlier copy (a backup, an old read of the table) cannot be detected")
        case (.hmacSHA256, false):
            say("audit verify: note: records written after the latest checkpoint can still be cut together with "
                + "the head row put back from an earlier copy; checkpoint often")
        }
        return head
    }

    /// `audit reseal`: the seal is the one thing taken on trust, so everything else must verify
    /// first; the key holder could forge a seal anyway, so this grants no new power.
    static func reseal(_ store: SQLAuditStore, checkpoints: [AuditCheckpointClaim]) throws -> Int32 {
        guard store.chain.mode == .hmacSHA256 else {
            throw UsageError("audit reseal needs the chain's --audit-key-file (a plain chain has no seal)")
        }
        let before = try store.storedHead()
        let problem = store.chain.sealProblem(before)
        guard let head = try verify(store, checkpoints: checkpoints, ignoringSeal: true) else { return 1 }
        guard let problem else {
            print("audit reseal: the chain head (record \(head.sequence)) carries its seal already: nothing to do")
            return 0
        }
        guard try store.reseal(head) else {
            print("audit reseal: FAILED: the chain head moved while it was verified (is a server writing?): run it again")
            return 1
        }
        print("audit reseal: was: \(problem)")
        print("audit reseal: the chain head (record \(head.sequence), hash \(head.hash)) is sealed again")
        return 0
    }

    private static func report(_ problem: AuditChainProblem, say: (String) -> Void) -> AuditChainHead? {
        say("audit verify: FAILED at record \(problem.sequence): \(problem.reason)")
        return nil
    }

    private static func writeCheckpoint(_ head: AuditChainHead, chain: AuditChain, to output: String?,
                                        say: (String) -> Void) throws {
        let checkpoint = AuditCheckpoint.make(head, chain: chain, timeMillis: Int64(Date().timeIntervalSince1970 * 1000))
        guard let output else {
            FileHandle.standardOutput.write(Data(checkpoint.json.utf8))
            return
        }
        do {
            try Data(checkpoint.json.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw CommandFailure("cannot write the checkpoint to \(output): \(error)")
        }
        say("audit checkpoint: record \(head.sequence) (hash \(head.hash))"
            + (checkpoint.mac == nil ? ", unsigned (no key)" : ", signed") + " in \(output)")
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
