/// A model version's move into a stage or under an alias, as the write that makes it sees it: the
/// promotion policy judges it there, on the version found by the same transaction (its creator read
/// under the model's lock), so a rename between a check and the move cannot swap the version judged.
public struct RegistryMove: Sendable, Equatable {
    public var name: String
    public var version: String
    public var target: TransitionRequest.Target
    /// Who created the version (nil or empty: not recorded).
    public var creator: String?
    /// For an approved transition request: its id and author; nil for a direct move.
    public var requestId: Int64?
    public var requestedBy: String?

    public init(name: String, version: String, target: TransitionRequest.Target, creator: String?,
                requestId: Int64? = nil, requestedBy: String? = nil) {
        self.name = name
        self.version = version
        self.target = target
        self.creator = creator
        self.requestId = requestId
        self.requestedBy = requestedBy
    }
}
