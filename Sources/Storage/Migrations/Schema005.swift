import SQL

/// Migration 5: registry history entries know the store call (move) that wrote them and, for
/// Swiftrack's rollbacks, the move they undid. Older entries become one move each.
enum Schema005 {
    static let statements: [String] = [
        "ALTER TABLE registry_history ADD COLUMN move_id INTEGER",
        "ALTER TABLE registry_history ADD COLUMN rollback_of INTEGER",
        "UPDATE registry_history SET move_id = entry_id",
    ]
}
