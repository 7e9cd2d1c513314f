import TrackingCore

/// Compiles an experiments/search request into one SELECT of experiment ids, in result order.
public enum ExperimentSearchCompiler {
    public static func compile(filter: String, orderBy: [String], viewType: ViewType,
                               limit: Int, offset: Int, dialect: SQLDialect) throws -> CompiledQuery {
        throw MLflowError(.notImplemented, "experiment search is not implemented yet")
    }
}
