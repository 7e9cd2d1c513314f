/// The right-hand side of a comparison.
public enum SearchValue: Sendable, Equatable {
    /// No value: `IS NULL` / `IS NOT NULL`.
    case none
    /// A quoted string, as MLflow keeps it (the text between the quotes, unmodified).
    case string(String)
    /// An integer literal (numeric attributes).
    case integer(Int64)
    /// A floating-point value (metrics, and numeric attributes given a fraction).
    case number(Double)
    /// A parenthesised list of quoted strings (`IN` / `NOT IN`).
    case list([String])
}
