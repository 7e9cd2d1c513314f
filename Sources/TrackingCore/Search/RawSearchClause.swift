/// A comparison as written, before the run or experiment grammar checks its key, comparator and value.
struct RawSearchClause: Sendable, Equatable {
    /// The right-hand side as written.
    enum Operand: Sendable, Equatable {
        case none
        case token(SearchToken)
        /// A parenthesised list: its items and its source text (for error messages).
        case list([SearchToken], text: String)
    }

    var identifier: SearchToken
    /// Uppercased: "=", "==", "<>", "LIKE", "NOT IN", "IS NULL", ...
    var comparator: String
    var operand: Operand
}
