/// A request to move a model version into a stage or under an alias, decided by someone else
/// (Swiftrack's promotion workflow; Databricks' transition requests, extended to aliases).
public struct TransitionRequest: Sendable, Equatable {
    /// Where the version should go.
    public enum Target: Sendable, Equatable {
        case stage(ModelStage)
        case alias(String)

        /// How a denial or a listing names it: `stage 'Production'`, `alias 'champion'`.
        public var description: String {
            switch self {
            case .stage(let stage): return "stage '\(stage.rawValue)'"
            case .alias(let alias): return "alias '\(alias)'"
            }
        }
    }

    /// A request is decided once: approved (the move was made), rejected, or cancelled by its author.
    public enum Status: String, Sendable, Equatable, CaseIterable {
        case pending = "PENDING"
        case approved = "APPROVED"
        case rejected = "REJECTED"
        case cancelled = "CANCELLED"

        /// Case-insensitive, with a message naming the accepted values.
        public static func parse(_ text: String) throws(MLflowError) -> Status {
            guard let status = allCases.first(where: { $0.rawValue == text.uppercased() }) else {
                throw .invalidParameter("Invalid transition request status: \(text). Value must be one of "
                    + allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            return status
        }
    }

    public var id: Int64
    public var name: String
    public var version: String
    public var target: Target
    /// For a stage target: archive the versions already in that stage when approved.
    public var archiveExistingVersions: Bool
    public var status: Status
    public var requestedBy: String?
    public var comment: String?
    public var creationTimestamp: Int64
    /// Who approved, rejected or cancelled it, when, and why.
    public var resolvedBy: String?
    public var resolutionComment: String?
    public var resolutionTimestamp: Int64?

    public init(id: Int64, name: String, version: String, target: Target, archiveExistingVersions: Bool = false,
                status: Status = .pending, requestedBy: String?, comment: String?, creationTimestamp: Int64,
                resolvedBy: String? = nil, resolutionComment: String? = nil, resolutionTimestamp: Int64? = nil) {
        self.id = id
        self.name = name
        self.version = version
        self.target = target
        self.archiveExistingVersions = archiveExistingVersions
        self.status = status
        self.requestedBy = requestedBy
        self.comment = comment
        self.creationTimestamp = creationTimestamp
        self.resolvedBy = resolvedBy
        self.resolutionComment = resolutionComment
        self.resolutionTimestamp = resolutionTimestamp
    }

    /// The longest comment kept (MLflow's limit on descriptions is 5000 characters too).
    public static let maxCommentLength = 5000

    public static func validateComment(_ comment: String?) throws(MLflowError) {
        guard let comment, comment.count > maxCommentLength else { return }
        throw .invalidParameter("A transition request comment may be at most \(maxCommentLength) characters; "
            + "got \(comment.count).")
    }
}

/// What `transitionRequests` lists: one model's requests, optionally one version's or one status.
public struct TransitionRequestQuery: Sendable, Equatable {
    public var name: String
    public var version: String?
    public var status: TransitionRequest.Status?

    public init(name: String, version: String? = nil, status: TransitionRequest.Status? = nil) {
        self.name = name
        self.version = version
        self.status = status
    }
}
