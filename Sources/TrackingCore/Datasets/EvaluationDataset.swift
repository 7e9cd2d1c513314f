public import JSON

/// An MLflow 3 evaluation dataset (`mlflow.entities.EvaluationDataset`): a named set of records
/// (inputs and their expectations) kept on the server, linked to experiments, whose permissions it
/// takes. `schema` and `profile` are the JSON texts MLflow computes as records arrive; `digest`
/// changes with every change of the records.
public struct EvaluationDataset: Sendable, Equatable {
    public var datasetId: String
    public var name: String
    /// Tags in key order; a value may be null (created with `None`, as MLflow stores it).
    public var tags: [DatasetTag]
    public var schema: String?
    public var profile: String?
    public var digest: String
    public var createdTime: Int64
    public var lastUpdateTime: Int64
    public var createdBy: String?
    public var lastUpdatedBy: String?
    /// The linked experiments; nil when not read (MLflow's get and search leave them to a second call).
    public var experimentIds: [String]?

    public init(datasetId: String, name: String, tags: [DatasetTag] = [], schema: String? = nil, profile: String? = nil,
                digest: String, createdTime: Int64, lastUpdateTime: Int64, createdBy: String? = nil,
                lastUpdatedBy: String? = nil, experimentIds: [String]? = nil) {
        self.datasetId = datasetId
        self.name = name
        self.tags = tags
        self.schema = schema
        self.profile = profile
        self.digest = digest
        self.createdTime = createdTime
        self.lastUpdateTime = lastUpdateTime
        self.createdBy = createdBy
        self.lastUpdatedBy = lastUpdatedBy
        self.experimentIds = experimentIds
    }
}

/// A dataset tag. MLflow keeps `str(value)` of what `set_dataset_tags` is given, and a create's
/// `None` as null.
public struct DatasetTag: Sendable, Equatable {
    public var key: String
    public var value: String?

    public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }
}

/// One stored record of a dataset (`mlflow.entities.DatasetRecord`). The JSON fields hold what the
/// client sent (inputs an object; outputs any JSON value; expectations and tags objects).
public struct DatasetRecord: Sendable, Equatable {
    public var recordId: String
    public var datasetId: String
    public var inputs: JSONValue
    public var outputs: JSONValue?
    public var expectations: JSONValue?
    public var tags: JSONValue?
    public var source: DatasetRecordSource?
    public var sourceId: String?
    public var createdTime: Int64
    public var lastUpdateTime: Int64
    public var createdBy: String?
    public var lastUpdatedBy: String?

    public init(recordId: String, datasetId: String, inputs: JSONValue, outputs: JSONValue? = nil,
                expectations: JSONValue? = nil, tags: JSONValue? = nil, source: DatasetRecordSource? = nil,
                sourceId: String? = nil, createdTime: Int64, lastUpdateTime: Int64, createdBy: String? = nil,
                lastUpdatedBy: String? = nil) {
        self.recordId = recordId
        self.datasetId = datasetId
        self.inputs = inputs
        self.outputs = outputs
        self.expectations = expectations
        self.tags = tags
        self.source = source
        self.sourceId = sourceId
        self.createdTime = createdTime
        self.lastUpdateTime = lastUpdateTime
        self.createdBy = createdBy
        self.lastUpdatedBy = lastUpdatedBy
    }
}

/// Where a record came from (`DatasetRecordSource`): a type of MLflow's enum and its data.
public struct DatasetRecordSource: Sendable, Equatable {
    /// MLflow's `DatasetRecordSourceType` values.
    public static let types = ["UNSPECIFIED", "TRACE", "HUMAN", "DOCUMENT", "CODE"]

    public var sourceType: String
    public var sourceData: JSONValue

    public init(sourceType: String, sourceData: JSONValue = .object([])) {
        self.sourceType = sourceType
        self.sourceData = sourceData
    }

    /// `{"source_type": ..., "source_data": {...}}`, as MLflow stores and returns it (`asdict`).
    public var json: JSONValue {
        .object([("source_type", .string(sourceType)), ("source_data", sourceData)])
    }

    /// The id MLflow derives from the data: a trace's `trace_id`, else `source_id`.
    public var derivedSourceId: String? {
        let key = sourceType == "TRACE" ? "trace_id" : "source_id"
        guard let value = sourceData[key] else { return nil }
        if case .string(let text) = value { return text }
        return nil
    }
}

/// What one upsert did: MLflow's `inserted_count` and `updated_count`.
public struct DatasetUpsertResult: Sendable, Equatable {
    public var inserted: Int
    public var updated: Int

    public init(inserted: Int, updated: Int) {
        self.inserted = inserted
        self.updated = updated
    }
}

extension DatasetTag {
    /// A request's tags: the JSON text of an object (MLflow's `json.loads(tags)`), each value as
    /// Python's `str()` gives it (`True`, `1.5`, a dict's repr), a null kept as nil.
    public static func parseMap(_ text: String, field: String) throws(MLflowError) -> [DatasetTag] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw .invalidParameter("Invalid value for parameter '\(field)': not valid JSON (\(error)).")
        }
        guard case .object(let members) = value else {
            throw .invalidParameter("Invalid value for parameter '\(field)': expected a JSON object of tags, "
                                    + "got a JSON \(value.typeName).")
        }
        return KeyedPairs.lastValues(members).map { key, value in
            DatasetTag(key: key, value: value == .null ? nil : LogModelHistory.pythonString(value))
        }
    }
}
