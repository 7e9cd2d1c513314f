import CSQLite
@testable import SQL
@testable import Storage

/// A test-only in-memory SQLite database with schema 1, sample-row helpers, and a runner for compiled queries.
final class SearchTestDatabase {
    struct Failure: Error, CustomStringConvertible { let description: String }

    private var handle: OpaquePointer?

    init() throws {
        guard sqlite3_open(":memory:", &handle) == SQLITE_OK else { throw Failure(description: "cannot open") }
        for statement in Schema001.statements { try execute(statement) }
    }

    deinit { sqlite3_close(handle) }

    private var lastError: String { handle.flatMap { String(cString: sqlite3_errmsg($0)) } ?? "no database" }

    /// Runs `sql` with `bindings`; returns the first column of every row, as text.
    @discardableResult
    func execute(_ sql: String, _ bindings: [SQLValue] = []) throws -> [String] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw Failure(description: "prepare failed: \(lastError) in \(sql)")
        }
        defer { sqlite3_finalize(statement) }
        for (offset, value) in bindings.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .null: status = sqlite3_bind_null(statement, index)
            case .integer(let number): status = sqlite3_bind_int64(statement, index, number)
            case .real(let number): status = sqlite3_bind_double(statement, index, number)
            case .text(let text):
                status = swiftrack_sqlite3_bind_text_transient(statement, index, text, Int32(text.utf8.count))
            }
            guard status == SQLITE_OK else { throw Failure(description: "bind failed: \(lastError)") }
        }
        guard sqlite3_bind_parameter_count(statement) == Int32(bindings.count) else {
            throw Failure(description: "placeholder count \(sqlite3_bind_parameter_count(statement)) != \(bindings.count)")
        }
        var rows: [String] = []
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw Failure(description: "step failed: \(lastError)") }
            rows.append(sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? "NULL")
        }
        return rows
    }

    func run(_ query: CompiledQuery) throws -> [String] { try execute(query.sql, query.bindings) }

    // MARK: sample rows

    func experiment(_ id: Int64, _ name: String, stage: String = "active", created: Int64?, updated: Int64? = nil) throws {
        try execute("INSERT INTO experiments (experiment_id, name, lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, ?, ?, ?)",
                    [.integer(id), .text(name), .text(stage), created.map(SQLValue.integer) ?? .null,
                     updated.map(SQLValue.integer) ?? .null])
    }

    func experimentTag(_ id: Int64, _ key: String, _ value: String) throws {
        try execute("INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)",
                    [.integer(id), .text(key), .text(value)])
    }

    func run(_ id: String, experiment: Int64 = 1, name: String? = nil, user: String = "alice", status: String = "FINISHED",
             start: Int64?, end: Int64? = nil, stage: String = "active", artifactURI: String = "file:///tmp") throws {
        try execute("""
            INSERT INTO runs (run_uuid, name, experiment_id, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(id), name.map(SQLValue.text) ?? .null, .integer(experiment), .text(user), .text(status),
                  start.map(SQLValue.integer) ?? .null, end.map(SQLValue.integer) ?? .null, .text(artifactURI), .text(stage)])
    }

    /// A latest metric; NaN is stored as MLflow stores it: value 0 with is_nan = 1.
    func metric(_ run: String, _ key: String, _ value: Double, step: Int64 = 0) throws {
        try execute("INSERT INTO latest_metrics (run_uuid, key, value, timestamp, step, is_nan) VALUES (?, ?, ?, 0, ?, ?)",
                    [.text(run), .text(key), .real(value.isNaN ? 0 : value), .integer(step), .integer(value.isNaN ? 1 : 0)])
    }

    func param(_ run: String, _ key: String, _ value: String) throws {
        try execute("INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)", [.text(run), .text(key), .text(value)])
    }

    func tag(_ run: String, _ key: String, _ value: String) throws {
        try execute("INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?)", [.text(run), .text(key), .text(value)])
    }

    /// A dataset, linked to `run` as an input, with an optional context input tag.
    func dataset(_ uuid: String, name: String, digest: String, run: String, context: String?, experiment: Int64 = 1) throws {
        try execute("""
            INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source)
            VALUES (?, ?, ?, ?, 'local', '{}')
            """, [.text(uuid), .integer(experiment), .text(name), .text(digest)])
        let input = "in-\(uuid)-\(run)"
        try execute("""
            INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id)
            VALUES (?, 'DATASET', ?, 'RUN', ?)
            """, [.text(input), .text(uuid), .text(run)])
        if let context {
            try execute("INSERT INTO input_tags (input_uuid, name, value) VALUES (?, 'mlflow.data.context', ?)",
                        [.text(input), .text(context)])
        }
    }
}
