import Observability
@testable import Audit

/// Records and chains for the tests.
enum AuditFixtures {
    static func record(_ index: Int, user: String? = "alice", status: Int = 200) -> AuditRecord {
        AuditRecord(timeMillis: 1_700_000_000_000 + Int64(index), requestId: "req-\(index)", user: user,
                    roles: ["scientist", "admin"], authMethod: user == nil ? .none : .basic, method: "POST",
                    route: "/api/2.0/mlflow/runs/create",
                    resources: AuditResources(experimentId: "\(index)", runId: "run\(index)"),
                    clientAddress: "127.0.0.1", status: status, errorCode: status >= 400 ? "INVALID_PARAMETER_VALUE" : nil,
                    durationMicros: 1234)
    }

    /// `count` entries linked by `chain` from the genesis value.
    static func entries(_ count: Int, chain: AuditChain = AuditChain(key: nil)) -> [AuditEntry] {
        var head = AuditChainHead.genesis
        return (1...count).map { index in
            let entry = chain.link(record(index).bounded(), after: head)
            head = AuditChainHead(sequence: entry.sequence, hash: entry.hash)
            return entry
        }
    }

    /// The first problem a verifier finds in `entries`, the head included: by default the last
    /// entry's, sealed as the writer seals it (`seal` overrides the seal, `.some(nil)` drops it).
    static func firstProblem(_ entries: [AuditEntry], chain: AuditChain = AuditChain(key: nil),
                             head: AuditChainHead? = nil, seal: String?? = nil,
                             checkpoints: [AuditCheckpoint] = []) -> AuditChainProblem? {
        var verifier = AuditChainVerifier(chain: chain, checkpoints: checkpoints.enumerated().map {
            AuditCheckpointClaim(source: "cp\($0.offset)", checkpoint: $0.element)
        })
        for entry in entries {
            if let problem = verifier.check(entry) { return problem }
        }
        let last = entries.last.map { AuditChainHead(sequence: $0.sequence, hash: $0.hash) } ?? .genesis
        let stored = head ?? last
        return verifier.finish(head: AuditStoredHead(head: stored, seal: seal ?? chain.seal(stored)))
    }

    static let key = Array("k".utf8) + Array(repeating: 1, count: 31)
}
