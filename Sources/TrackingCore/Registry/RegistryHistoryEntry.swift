/// One recorded change of a model version's stage or of an alias (read by rollback).
public struct RegistryHistoryEntry: Sendable, Equatable {
    /// What moved: a version's stage, or an alias.
    public enum Kind: String, Sendable, Equatable {
        case stage
        case alias
    }

    public var name: String
    /// The version concerned: the transitioned version, or the version an alias now points to
    /// (the one it pointed to, when the alias was removed).
    public var version: String
    public var kind: Kind
    /// The alias, for alias entries.
    public var alias: String?
    /// The stage or version before the change (nil: the alias did not exist).
    public var from: String?
    /// The stage or version after the change (nil: the alias was removed).
    public var to: String?
    public var userId: String?
    public var timestamp: Int64
    /// The store call that made the change: entries written together (a transition and the versions
    /// it archived) share it. nil until recorded.
    public var moveId: Int64?
    /// For an entry written by a rollback: the move it undid.
    public var rollbackOf: Int64?

    public init(name: String, version: String, kind: Kind, alias: String? = nil, from: String?, to: String?,
                userId: String?, timestamp: Int64, moveId: Int64? = nil, rollbackOf: Int64? = nil) {
        self.name = name
        self.version = version
        self.kind = kind
        self.alias = alias
        self.from = from
        self.to = to
        self.userId = userId
        self.timestamp = timestamp
        self.moveId = moveId
        self.rollbackOf = rollbackOf
    }

    /// Whether a rollback wrote this entry.
    public var isRollback: Bool { rollbackOf != nil }
}
