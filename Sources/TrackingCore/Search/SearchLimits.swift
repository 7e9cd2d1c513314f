/// How big a search request may be, so that whatever the grammar accepts compiles into SQL that
/// every engine runs (SQLite's 1,000-deep expression trees and 64-table joins, MariaDB's 61-table
/// joins, the 65,535 bind parameters of PostgreSQL and MariaDB).
public enum SearchLimits {
    /// MLflow parses filters with sqlparse, which refuses a statement of more than 10,000 tokens
    /// (`MAX_GROUPING_TOKENS`; every whitespace character is a token, a dotted name one per part
    /// and dot); MLflow answers that with 400. The same count here keeps the same filters out.
    public static let maxFilterTokens = 10_000

    /// The most comparisons one filter may AND together. MLflow has only sqlparse's token limit
    /// (about 2,500 comparisons), but each comparison on a metric, param or tag is a correlated
    /// subquery here, and 1,000 of them kept PostgreSQL busy for minutes and MariaDB's optimizer
    /// for twenty: one request could hold a database. A UI or script filters on a few keys; 100 is
    /// far above that and runs in milliseconds on every engine (`SearchSizeLimitTests`).
    public static let maxFilterClauses = 100

    /// Refuses a filter of more than `maxFilterClauses` comparisons.
    public static func checkClauseCount(_ count: Int) throws {
        guard count <= maxFilterClauses else {
            throw MLflowError.invalidParameter(
                "Invalid filter: \(count) comparisons. A filter may AND together at most \(maxFilterClauses).")
        }
    }

    /// The most `order_by` entries a runs or logged-models search takes. MLflow has no limit of its
    /// own (on SQLite it fails past 63 joined keys with "at most 64 tables in a join"). Each metric,
    /// param or tag key is one outer-joined subquery here; Debian's SQLite 3.40 crashes (SIGSEGV in
    /// the library) on a query with 31 of them, and MariaDB stops at 61 tables. A client sorts by a
    /// handful of keys (MLflow's UI by one); 20 stays well clear of both.
    public static let maxOrderByEntries = 20

    /// Refuses more than `maxOrderByEntries` order_by entries.
    public static func checkOrderByCount(_ count: Int) throws {
        guard count <= maxOrderByEntries else {
            throw MLflowError.invalidParameter(
                "Invalid value for parameter 'order_by' supplied: \(count) clauses. "
                    + "It must have at most \(maxOrderByEntries) clauses.")
        }
    }

    /// The number of tokens sqlparse makes of `source`, from our tokens of it: whitespace characters
    /// between tokens count one each (a CRLF, one Character, is one, as sqlparse's newline), an
    /// identifier one per part and per dot, any other token one.
    static func sqlparseTokenCount(_ source: String, tokens: [SearchToken]) -> Int {
        // The lexer drops only whitespace between tokens (a quoted name keeps its spaces inside).
        var count = source.count
        for token in tokens {
            count -= token.end - token.start
            if case .identifier(let segments) = token.kind {
                count += 2 * segments.count - 1
            } else {
                count += 1
            }
        }
        return count
    }

    /// True when sqlparse, and so MLflow, refuses `source` for its size.
    static func exceedsFilterTokens(_ source: String, tokens: [SearchToken]) -> Bool {
        // Cheap first: fewer characters than the limit cannot make more tokens than it.
        source.count > maxFilterTokens && sqlparseTokenCount(source, tokens: tokens) > maxFilterTokens
    }
}
