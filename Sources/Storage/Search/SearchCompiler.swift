import TrackingCore

/// The SQL dialect a compiled query is written in.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres
    case mysql
}

/// A compiled SELECT and its bound values; placeholders are `?` (engines rewrite them if needed).
public struct CompiledQuery: Sendable, Equatable {
    public var sql: String
    public var bindings: [SQLValue]
    public init(sql: String, bindings: [SQLValue]) { self.sql = sql; self.bindings = bindings }
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
