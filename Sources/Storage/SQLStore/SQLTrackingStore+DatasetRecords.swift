import Crypto
import JSON
import SQL
public import TrackingCore

/// The records of evaluation datasets: merged by their inputs, read in pages, deleted by id.
extension SQLTrackingStore {
    private static let recordColumns = [
        "dataset_record_id", "dataset_id", "inputs", "outputs", "expectations", "tags", "source", "source_id",
        "source_type", "created_time", "last_update_time", "created_by", "last_updated_by", "input_hash",
    ]
    /// Rows per multi-row statement (14 values each) and keys per lookup: a 10,000-record merge is
    /// a few dozen statements, whatever the engine.
    private static let rowsPerStatement = 200
    private static let keysPerLookup = 1000

    /// MLflow's `upsert_dataset_records` in one transaction, batched: the dataset's row is locked
    /// first (so concurrent upserts to one dataset queue, each seeing the records the one before it
    /// wrote), the stored records with the request's inputs are read by hash, the merge is planned
    /// (`DatasetRecordMergePlan`), then new and changed records are written many rows per statement,
    /// and the dataset's schema, profile (`num_records`), digest and last update follow.
    public func upsertDatasetRecords(id: String, records: [DatasetRecordInput]) throws -> DatasetUpsertResult {
        let hashes = records.map { SHA256.hex(DatasetJSON.sortedDumps($0.inputs)) }
        return try database.write { connection in
            let dataset = try Self.lockDataset(connection, id, notFound: Self.datasetNotFound(id))
            let existing = try Self.storedRecords(connection, id, hashes: Array(Set(hashes)))
            let now = currentTimeMillis()
            let plan = DatasetRecordMergePlan(datasetId: id, records: records, hashes: hashes, existing: existing, now: now,
                                              newId: { "dr-" + RandomID.uuid4Hex() })
            try Self.insertRecords(connection, plan.rows.filter(\.isNew))
            try Self.updateRecords(connection, plan.rows.filter { !$0.isNew })
            let count = try connection.queryFirst(
                "SELECT COUNT(*) FROM evaluation_dataset_records WHERE dataset_id = ?", [.text(id)]) { $0.int64(0) } ?? 0
            var sets = ["last_update_time = ?", "last_updated_by = ?", "digest = ?"]
            var values: [SQLValue] = [.integer(now), Self.optional(plan.lastUser),
                                      .text(Self.datasetDigest(name: dataset.name, time: now))]
            if let schema = DatasetJSON.updatedSchema(dataset.schema, records: records) {
                sets.append("dataset_schema = ?")
                values.append(.text(PythonFormatting.jsonDumps(schema)))
            }
            if count > 0 {
                // MLflow leaves the profile as it was when the dataset has no records.
                sets.append("profile = ?")
                values.append(.text("{\"num_records\": \(count)}"))
            }
            _ = try connection.execute("UPDATE evaluation_datasets SET \(sets.joined(separator: ", ")) WHERE dataset_id = ?",
                                       values + [.text(id)])
            return plan.result
        }
    }

    public func datasetRecords(id: String, maxResults: Int, pageToken: String?) throws -> Page<DatasetRecord> {
        let cursor = try RecordCursor(pageToken)
        return try database.read { connection in
            guard try Self.datasetExists(connection, id) else { throw Self.datasetNotFound(id) }
            var sql = "SELECT \(Self.recordColumns.joined(separator: ", ")) FROM evaluation_dataset_records WHERE dataset_id = ?"
            var bindings: [SQLValue] = [.text(id)]
            if case .after(let time, let recordId) = cursor {
                sql += " AND (created_time > ? OR (created_time = ? AND dataset_record_id > ?))"
                bindings += [.integer(time), .integer(time), .text(recordId)]
            }
            sql += " ORDER BY created_time, dataset_record_id LIMIT ? OFFSET ?"
            var offset = 0
            if case .offset(let skipped) = cursor { offset = skipped }
            bindings += [.integer(Int64(maxResults) + 1), .integer(Int64(offset))]
            var records = try connection.query(sql, bindings) { try Self.record($0) }
            var token: String?
            if records.count > maxResults {
                records.removeLast(records.count - maxResults)
                if let last = records.last {
                    token = Base64.encode(Array("\(last.createdTime):\(last.recordId)".utf8))
                }
            }
            return Page(items: records, nextPageToken: token)
        }
    }

    public func deleteDatasetRecords(id: String, recordIds: [String]) throws -> Int {
        try database.write { connection in
            try Self.lockDataset(connection, id, notFound: Self.datasetNotFound(id))
            var deleted = 0
            let unique = Array(Set(recordIds))
            for start in stride(from: 0, to: unique.count, by: Self.keysPerLookup) {
                let keys = SQLKeyList(Array(unique[start..<min(start + Self.keysPerLookup, unique.count)]),
                                      dialect: connection.dialect)
                deleted += try connection.execute(
                    "DELETE FROM evaluation_dataset_records WHERE dataset_id = ? AND \(keys.contains("dataset_record_id"))",
                    [.text(id)] + keys.bindings)
            }
            if deleted > 0 {
                let count = try connection.queryFirst(
                    "SELECT COUNT(*) FROM evaluation_dataset_records WHERE dataset_id = ?", [.text(id)]) { $0.int64(0) } ?? 0
                // MLflow writes `json.dumps(None)` once the last record is gone.
                _ = try connection.execute("UPDATE evaluation_datasets SET profile = ? WHERE dataset_id = ?",
                                           [.text(count > 0 ? "{\"num_records\": \(count)}" : "null"), .text(id)])
            }
            return deleted
        }
    }

    /// The stored records of the dataset with these input hashes, by hash.
    private static func storedRecords(_ connection: any SQLConnection, _ id: String,
                                      hashes: [String]) throws -> [String: DatasetRecord] {
        var found: [String: DatasetRecord] = [:]
        for start in stride(from: 0, to: hashes.count, by: keysPerLookup) {
            let keys = SQLKeyList(Array(hashes[start..<min(start + keysPerLookup, hashes.count)]), dialect: connection.dialect)
            let rows = try connection.query(
                "SELECT \(recordColumns.joined(separator: ", ")) FROM evaluation_dataset_records "
                + "WHERE dataset_id = ? AND \(keys.contains("input_hash"))", [.text(id)] + keys.bindings) { row in
                    (row.string(13), try record(row))
                }
            for (hash, record) in rows { found[hash] = record }
        }
        return found
    }

    private static func insertRecords(_ connection: any SQLConnection, _ rows: [DatasetRecordMergePlan.Row]) throws {
        for start in stride(from: 0, to: rows.count, by: rowsPerStatement) {
            let chunk = rows[start..<min(start + rowsPerStatement, rows.count)]
            _ = try connection.execute(SQLDialect.insert(into: "evaluation_dataset_records", columns: recordColumns,
                                                         rows: chunk.count),
                                       chunk.flatMap(values))
        }
    }

    /// Changed records, many per statement: an insert of each whole row that, on its id, updates
    /// the columns a merge changes (the row is there: the dataset's lock keeps it so).
    private static func updateRecords(_ connection: any SQLConnection, _ rows: [DatasetRecordMergePlan.Row]) throws {
        for start in stride(from: 0, to: rows.count, by: rowsPerStatement) {
            let chunk = rows[start..<min(start + rowsPerStatement, rows.count)]
            _ = try connection.execute(
                connection.dialect.upsert(into: "evaluation_dataset_records", columns: recordColumns,
                                          conflict: ["dataset_record_id"],
                                          update: ["outputs", "expectations", "tags", "last_update_time", "last_updated_by"],
                                          rows: chunk.count),
                chunk.flatMap(values))
        }
    }

    private static func values(_ row: DatasetRecordMergePlan.Row) -> [SQLValue] {
        let record = row.record
        func json(_ value: JSONValue?) -> SQLValue { value.map { .text(JSONWriter.string($0)) } ?? .null }
        return [.text(record.recordId), .text(record.datasetId), .text(JSONWriter.string(record.inputs)), json(record.outputs),
                json(record.expectations), json(record.tags), json(record.source?.json), optional(record.sourceId),
                optional(record.source?.sourceType), .integer(record.createdTime), .integer(record.lastUpdateTime),
                optional(record.createdBy), optional(record.lastUpdatedBy), .text(row.inputHash)]
    }

    private static func record(_ row: any SQLRow) throws -> DatasetRecord {
        func json(_ column: Int32) throws -> JSONValue? {
            guard let text = row.optionalString(column) else { return nil }
            return try JSONParser.parse(text, maxDepth: 512)
        }
        var source: DatasetRecordSource?
        if let stored = try json(6), case .string(let type)? = stored["source_type"] {
            source = DatasetRecordSource(sourceType: type, sourceData: stored["source_data"] ?? .object([]))
        }
        return DatasetRecord(recordId: row.string(0), datasetId: row.string(1), inputs: try json(2) ?? .object([]),
                             outputs: try json(3), expectations: try json(4), tags: try json(5), source: source,
                             sourceId: row.optionalString(7), createdTime: row.int64(9), lastUpdateTime: row.int64(10),
                             createdBy: row.optionalString(11), lastUpdatedBy: row.optionalString(12))
    }
}

/// Where a page of records starts: MLflow's cursor (base64 of `<created_time>:<record id>`), or,
/// as MLflow falls back to for a token that is no cursor, a plain offset.
enum RecordCursor: Equatable {
    case start
    case after(createdTime: Int64, recordId: String)
    case offset(Int)

    init(_ token: String?) throws {
        guard let token, !token.isEmpty else {
            self = .start
            return
        }
        if let bytes = Base64.decode(token), let text = String(validating: bytes, as: UTF8.self),
           let colon = text.firstIndex(of: ":"), let time = Int64(text[..<colon]) {
            self = .after(createdTime: time, recordId: String(text[text.index(after: colon)...]))
        } else if let offset = Int(token), offset >= 0 {
            self = .offset(offset)
        } else {
            throw MLflowError.invalidParameter("Invalid page token '\(token.prefix(100))': expected a token from a previous page.")
        }
    }
}
