public import SQL
import TrackingCore

/// A compiled SELECT and its bound values; placeholders are `?` (engines rewrite them if needed).
public struct CompiledQuery: Sendable, Equatable {
    public var sql: String
    public var bindings: [SQLValue]
    public init(sql: String, bindings: [SQLValue]) { self.sql = sql; self.bindings = bindings }

    /// The most values one search may bind: under SQLite's default SQLITE_MAX_VARIABLE_NUMBER
    /// (32,766), and so under PostgreSQL's and MariaDB's 65,535. A filter within sqlparse's 10,000
    /// tokens binds far fewer; only a request naming tens of thousands of experiments (or a caller
    /// granted as many one by one) gets here, and it is told so instead of failing in the engine.
    static let maxBindings = 32_000

    /// `sql` and `bindings`, or INVALID_PARAMETER_VALUE when there are more values than every engine binds.
    static func checked(sql: String, bindings: [SQLValue]) throws -> CompiledQuery {
        guard bindings.count <= maxBindings else { throw tooManyBindings(bindings.count) }
        return CompiledQuery(sql: sql, bindings: bindings)
    }

    static func tooManyBindings(_ count: Int) -> MLflowError {
        MLflowError.invalidParameter(
            "The search is too large: it needs \(count) values, at most \(maxBindings) are supported. "
                + "Search fewer experiments or use a shorter filter.")
    }
}

// Interface of the search compiler (owned by the search work):
//
//   RunSearchCompiler.compile(experimentIds: [String], filter: String, orderBy: [String],
//       viewType: ViewType, limit: Int, offset: Int, dialect: SQLDialect) throws -> CompiledQuery
//     -> SELECT runs.run_uuid ... in result order, LIMIT/OFFSET applied.
//   ExperimentSearchCompiler.compile(filter: String, orderBy: [String], viewType: ViewType,
//       limit: Int, offset: Int, dialect: SQLDialect) throws -> CompiledQuery
//     -> SELECT experiments.experiment_id ... in result order.
//   Errors are MLflowError(.invalidParameterValue, <MLflow's message>).
