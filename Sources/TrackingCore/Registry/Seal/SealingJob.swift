/// A seal being made (docs/REGISTRY.md, "Sealed versions: when"): hashing a large model takes
/// longer than a request should, so the files are read off the request path by one job per
/// version, recorded in the tracking database so that every replica sees the version is being
/// sealed, and that a job whose process died is taken over. The job stores the seal itself; the
/// move that asked for it is made by a request that finds the version sealed.
public struct SealingJob: Sendable, Equatable {
    public var name: String
    public var version: String
    /// Names this run of the job: progress, completion and failure are recorded only under it, so a
    /// job that was taken over, cancelled or whose version was deleted records nothing.
    public var token: String
    /// The version's source when the job started; the seal is stored only if it still is.
    public var source: String
    /// The artifact root being hashed (`ModelVersionSeal.location`).
    public var location: String
    /// Who asked for the move that needs the seal.
    public var approver: String?
    /// The move that asked for it, as words ("stage 'Production'", "alias 'champion'").
    public var target: String
    public var startedTime: Int64
    /// The job's last sign of life (milliseconds); a job silent for `SealingJob.staleAfter` is taken over.
    public var updatedTime: Int64
    public var bytesRead: Int64
    /// Set when the job failed: the error the next mover is told (once), the move not made.
    public var failure: MLflowError?

    public init(name: String, version: String, token: String, source: String, location: String, approver: String?,
                target: String, startedTime: Int64, updatedTime: Int64? = nil, bytesRead: Int64 = 0,
                failure: MLflowError? = nil) {
        self.name = name
        self.version = version
        self.token = token
        self.source = source
        self.location = location
        self.approver = approver
        self.target = target
        self.startedTime = startedTime
        self.updatedTime = updatedTime ?? startedTime
        self.bytesRead = bytesRead
        self.failure = failure
    }

    /// How often a running job records that it is alive, and how long a silent one is trusted.
    public static let heartbeatMillis: Int64 = 2_000
    public static let staleAfterMillis: Int64 = 30_000

    /// The server's tag that marks a version being sealed (`sealing`) or whose sealing failed (`failed`).
    public static let stateTag = "swiftrack.seal.state"

    public var stateTag: Tag { Tag(key: Self.stateTag, value: failure == nil ? "sealing" : "failed") }
}

/// What `claimSealing` found.
public enum SealingClaim: Sendable, Equatable {
    /// The version is sealed: the move may be made.
    case sealed
    /// No job was running: this one is recorded and the caller must run it.
    case started(SealingJob)
    /// Another job (this process's or another replica's) is sealing the version.
    case running(SealingJob)
    /// The last job failed: the failure is handed over once and the job removed.
    case failed(SealingJob)
}
