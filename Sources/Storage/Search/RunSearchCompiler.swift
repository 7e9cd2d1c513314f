import TrackingCore

/// Compiles a runs/search request into one SELECT of run ids, in result order.
public enum RunSearchCompiler {
    public static func compile(experimentIds: [String], filter: String, orderBy: [String], viewType: ViewType,
                               limit: Int, offset: Int, dialect: SQLDialect) throws -> CompiledQuery {
        throw MLflowError(.notImplemented, "run search is not implemented yet")
    }
}
