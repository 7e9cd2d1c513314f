import SQL
public import TrackingCore

/// Links from traces to runs and prompt versions (MLflow's `entity_associations`).
extension SQLTrackingStore {
    static let traceSource = "TRACE"
    static let runDestination = "RUN"
    static let promptVersionDestination = "PROMPT_VERSION"

    /// MLflow's `link_traces_to_run`: at most 100 traces, each linked once; ids of traces that do not
    /// exist are passed over, as MLflow does. The run must exist (MLflow does not check; a link to
    /// nothing would only mislead).
    public func linkTracesToRun(traceIds: [String], runId: String) throws {
        guard !traceIds.isEmpty else { return }
        guard traceIds.count <= Validation.maxTraceLinksPerRequest else {
            throw MLflowError.invalidParameter(
                "Cannot link more than \(Validation.maxTraceLinksPerRequest) traces to a run in a single request. "
                + "Provided \(traceIds.count) traces.")
        }
        try database.write { connection in
            try Self.runState(connection, runId)
            let keys = SQLKeyList(traceIds, dialect: connection.dialect)
            let existing = try connection.query(
                "SELECT request_id FROM trace_info WHERE \(keys.contains("request_id"))", keys.bindings) { $0.string(0) }
            for traceId in Set(existing).sorted() {
                try Self.link(connection, traceId, Self.runDestination, runId)
            }
        }
    }

    /// MLflow's `link_prompts_to_trace`: the trace must exist (404); each `name/version` linked once.
    public func linkPromptsToTrace(traceId: String, prompts: [(name: String, version: String)]) throws {
        guard !prompts.isEmpty else { return }
        try database.write { connection in
            try Self.requireTrace(connection, traceId)
            for prompt in prompts {
                try Self.link(connection, traceId, Self.promptVersionDestination, "\(prompt.name)/\(prompt.version)")
            }
        }
    }

    /// The prompt versions (`name/version`) a trace is linked to, oldest link first.
    public func linkedPromptVersions(traceId: String) throws -> [String] {
        try database.read { connection in
            try connection.query(
                """
                SELECT destination_id FROM entity_associations
                WHERE source_type = ? AND source_id = ? AND destination_type = ? ORDER BY created_time, destination_id
                """, [.text(Self.traceSource), .text(traceId), .text(Self.promptVersionDestination)]) { $0.string(0) }
        }
    }

    private static func link(_ connection: any SQLConnection, _ traceId: String, _ type: String, _ id: String) throws {
        try connection.execute(
            connection.dialect.insertUnlessPresent(
                into: "entity_associations",
                columns: ["association_id", "source_type", "source_id", "destination_type", "destination_id", "created_time"],
                conflict: ["source_type", "source_id", "destination_type", "destination_id"]),
            [.text(RandomID.uuid4Hex()), .text(traceSource), .text(traceId), .text(type), .text(id),
             .integer(currentTimeMillis())])
    }
}
