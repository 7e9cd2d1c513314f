/// What a rollback moves back: an alias, or the holder of a stage.
public enum RegistryRollbackTarget: Sendable, Equatable {
    case alias(String)
    case stage(ModelStage)
}

/// One change a rollback makes: `version`'s stage, or `alias`, goes from `current` back to `restored`.
public struct RegistryRollbackChange: Sendable, Equatable {
    public var kind: RegistryHistoryEntry.Kind
    public var version: String
    public var alias: String?
    /// What the history says the stage or alias is now (checked against the store before applying).
    public var current: String?
    /// What it was before the move being undone.
    public var restored: String
}

/// Swiftrack's rollback, decided from the history alone (no I/O): the newest move of the alias (or
/// into the stage) that no rollback has undone yet, and the changes that undo it. Rollback entries
/// are never undone themselves, so repeated rollbacks walk further back through the history.
public struct RegistryRollbackPlan: Sendable, Equatable {
    /// The move being undone.
    public var moveId: Int64
    /// For a stage: first the versions that entered the stage (back to where they came from), then
    /// the versions the move archived (back into the stage).
    public var changes: [RegistryRollbackChange]

    /// Plans the rollback of `target` in `history` (one model's entries, any order).
    public static func make(model name: String, target: RegistryRollbackTarget,
                            history: [RegistryHistoryEntry]) throws(MLflowError) -> RegistryRollbackPlan {
        let undone = Set(history.compactMap { entry in entry.rollbackOf.map { UndoKey(move: $0, entry) } })
        let original = history.filter { !$0.isRollback && $0.moveId != nil }
        switch target {
        case .alias(let alias):
            let candidates = original.filter { $0.kind == .alias && $0.alias == alias }
            guard let entry = newest(candidates.filter { !undone.contains(UndoKey(move: $0.moveId ?? 0, $0)) }),
                  let move = entry.moveId else {
                throw .invalidParameter("There is nothing to roll back: alias '\(alias)' of registered model "
                    + "'\(name)' has no recorded move left to undo.")
            }
            guard let previous = entry.from else {
                throw .invalidParameter("There is nothing to roll back to: alias '\(alias)' of registered model "
                    + "'\(name)' did not exist before its latest move (to version \(entry.to ?? "none")).")
            }
            return RegistryRollbackPlan(moveId: move, changes: [RegistryRollbackChange(
                kind: .alias, version: previous, alias: alias, current: entry.to, restored: previous)])
        case .stage(let stage):
            let entering = original.filter { $0.kind == .stage && $0.to == stage.rawValue && $0.from != stage.rawValue }
            guard let entry = newest(entering.filter {
                !undone.contains(UndoKey(move: $0.moveId ?? 0, kind: .stage, alias: nil)) }),
                  let move = entry.moveId else {
                throw .invalidParameter("There is nothing to roll back: no recorded move into stage '\(stage.rawValue)' "
                    + "of registered model '\(name)' is left to undo.")
            }
            let moveEntries = original.filter { $0.moveId == move && $0.kind == .stage }
            let entered = moveEntries.filter { $0.to == stage.rawValue }
            let archived = moveEntries.filter { $0.from == stage.rawValue && $0.to != stage.rawValue }
            let changes = (entered + archived).compactMap { entry -> RegistryRollbackChange? in
                guard let from = entry.from else { return nil }
                return RegistryRollbackChange(kind: .stage, version: entry.version, alias: nil, current: entry.to,
                                              restored: from)
            }
            return RegistryRollbackPlan(moveId: move, changes: changes)
        }
    }

    private static func newest(_ entries: [RegistryHistoryEntry]) -> RegistryHistoryEntry? {
        entries.max { ($0.moveId ?? 0, $0.timestamp) < ($1.moveId ?? 0, $1.timestamp) }
    }

    /// A move's part that one rollback undoes: the stage, or one alias (a version delete moves several).
    private struct UndoKey: Hashable {
        var move: Int64
        var kind: RegistryHistoryEntry.Kind
        var alias: String?

        init(move: Int64, kind: RegistryHistoryEntry.Kind, alias: String?) {
            self.move = move
            self.kind = kind
            self.alias = alias
        }

        init(move: Int64, _ entry: RegistryHistoryEntry) {
            self.init(move: move, kind: entry.kind, alias: entry.kind == .alias ? entry.alias : nil)
        }
    }
}

/// The outcome of a rollback: the version that now holds the alias or stage, and the entries recorded.
public struct RegistryRollback: Sendable, Equatable {
    public var version: ModelVersion
    public var entries: [RegistryHistoryEntry]

    public init(version: ModelVersion, entries: [RegistryHistoryEntry]) {
        self.version = version
        self.entries = entries
    }
}
