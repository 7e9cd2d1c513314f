/// What an upsert writes, decided from the request's records and the stored records with the same
/// inputs, as MLflow's `upsert_dataset_records` decides it: a record whose inputs equal a stored
/// one's (equal as dicts: `inputHash`) updates it, outputs replaced when given, expectations and tags
/// merged key by key (`dict.update`), created time and author kept; any other record is new. Within
/// one request a repeated inputs is an update of the first, as MLflow counts it.
public struct DatasetRecordMergePlan: Sendable {
    /// A record to write: its inputs' hash, the record as it will be stored, and whether it is new.
    public struct Row: Sendable, Equatable {
        public var inputHash: String
        public var record: DatasetRecord
        public var isNew: Bool
    }

    /// One row per distinct inputs, in the order each first appeared.
    public private(set) var rows: [Row] = []
    public private(set) var result = DatasetUpsertResult(inserted: 0, updated: 0)
    /// The last `mlflow.user` among the records (MLflow's `last_updated_by` of the dataset; nil when none names one).
    public private(set) var lastUser: String?

    /// `hashes[i]` is `records[i]`'s inputs hash; `existing` the stored records by hash.
    public init(datasetId: String, records: [DatasetRecordInput], hashes: [String], existing: [String: DatasetRecord],
                now: Int64, newId: () -> String) {
        var position: [String: Int] = [:]
        for (record, hash) in zip(records, hashes) {
            if let user = record.user { lastUser = user }
            if let index = position[hash] {
                rows[index].record = Self.merged(rows[index].record, record, now: now)
                result.updated += 1
            } else if let stored = existing[hash] {
                position[hash] = rows.count
                rows.append(Row(inputHash: hash, record: Self.merged(stored, record, now: now), isNew: false))
                result.updated += 1
            } else {
                position[hash] = rows.count
                rows.append(Row(inputHash: hash, record: Self.new(record, datasetId: datasetId, id: newId(), now: now),
                                isNew: true))
                result.inserted += 1
            }
        }
    }

    /// MLflow's insert: outputs `{}` unless given (a given null is none), the rest as given.
    static func new(_ input: DatasetRecordInput, datasetId: String, id: String, now: Int64) -> DatasetRecord {
        DatasetRecord(recordId: id, datasetId: datasetId, inputs: input.inputs,
                      outputs: input.outputsGiven ? input.outputs : .object([]), expectations: input.expectations,
                      tags: input.tags, source: input.source, sourceId: input.source?.derivedSourceId,
                      createdTime: now, lastUpdateTime: now, createdBy: input.user, lastUpdatedBy: input.user)
    }

    /// MLflow's `SqlEvaluationDatasetRecord.merge`.
    static func merged(_ stored: DatasetRecord, _ input: DatasetRecordInput, now: Int64) -> DatasetRecord {
        var record = stored
        if input.outputsGiven { record.outputs = input.outputs }
        if DatasetJSON.isNonEmptyObject(input.expectations), let expectations = input.expectations {
            record.expectations = DatasetJSON.updated(record.expectations, with: expectations)
        }
        if DatasetJSON.isNonEmptyObject(input.tags), let tags = input.tags {
            record.tags = DatasetJSON.updated(record.tags, with: tags)
        }
        record.lastUpdateTime = now
        if let user = input.user { record.lastUpdatedBy = user }
        return record
    }
}
