public import JSON

/// One record of an upsert (`datasets/{id}/records`'s `records`, a JSON list given as text), read
/// and checked before anything is stored. MLflow's server reads the same dicts and fails with a 500
/// on most wrong shapes (a string for `inputs`, a number for `source`); here each is a 400 naming
/// the record and the field.
public struct DatasetRecordInput: Sendable, Equatable {
    /// The inputs, an object (`{}` when absent), each object's keys once as Python's dict keeps them.
    public var inputs: JSONValue
    /// Whether `outputs` was given (a given null clears a record's outputs) and its value.
    public var outputs: JSONValue?
    public var outputsGiven: Bool
    /// Objects or nil (absent or null).
    public var expectations: JSONValue?
    public var tags: JSONValue?
    public var source: DatasetRecordSource?

    public init(inputs: JSONValue = .object([]), outputs: JSONValue? = nil, outputsGiven: Bool = false,
                expectations: JSONValue? = nil, tags: JSONValue? = nil, source: DatasetRecordSource? = nil) {
        self.inputs = inputs
        self.outputs = outputs
        self.outputsGiven = outputsGiven
        self.expectations = expectations
        self.tags = tags
        self.source = source
    }

    /// The `mlflow.user` tag, which MLflow records as the record's (and the dataset's) author.
    public var user: String? {
        if case .string(let name)? = tags?[DatasetLimits.userTag] { return name }
        return nil
    }

    /// Reads the `records` field: a JSON array of objects, at most `DatasetLimits.maxRecordsPerUpsert`.
    public static func parseList(_ text: String) throws(MLflowError) -> [DatasetRecordInput] {
        let value: JSONValue
        do {
            // The tree costs far more than its text: bounded, so a body within the transport's limit
            // of tiny values cannot make gigabytes of it.
            value = try JSONParser.parse(text, maxValues: DatasetLimits.maxValuesPerUpsert)
        } catch {
            throw .invalidParameter("Invalid value for parameter 'records': not valid JSON, or more than "
                                    + "\(DatasetLimits.maxValuesPerUpsert) values (\(error)).")
        }
        guard case .array(let elements) = value else {
            throw .invalidParameter("Invalid value for parameter 'records': expected a JSON list of records, "
                                    + "got a JSON \(value.typeName).")
        }
        guard elements.count <= DatasetLimits.maxRecordsPerUpsert else {
            throw .invalidParameter("Too many records in one request: \(elements.count). "
                                    + "At most \(DatasetLimits.maxRecordsPerUpsert) records can be merged at once.")
        }
        var records: [DatasetRecordInput] = []
        records.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            records.append(try parse(element, index: index))
        }
        return records
    }

    static func parse(_ element: JSONValue, index: Int) throws(MLflowError) -> DatasetRecordInput {
        guard case .object = element else {
            throw .invalidParameter("Record \(index) must be a dictionary, got a JSON \(element.typeName).")
        }
        let record = DatasetJSON.pythonDict(element)
        var input = DatasetRecordInput()
        if let inputs = record["inputs"], inputs != .null {
            input.inputs = try object(inputs, "inputs", index)
        }
        if let outputs = record["outputs"] {
            (input.outputs, input.outputsGiven) = (outputs == .null ? nil : outputs, true)
        }
        if let expectations = record["expectations"], expectations != .null {
            input.expectations = try object(expectations, "expectations", index)
        }
        if let tags = record["tags"], tags != .null {
            input.tags = try object(tags, "tags", index)
        }
        if let source = record["source"], source != .null {
            input.source = try parseSource(source, index)
        }
        if let sourceId = input.source?.derivedSourceId, sourceId.unicodeScalars.count > DatasetLimits.maxSourceIdLength {
            throw .invalidParameter("Record \(index): the source id '\(sourceId.prefix(64))...' is longer than "
                                    + "\(DatasetLimits.maxSourceIdLength) characters.")
        }
        return input
    }

    private static func object(_ value: JSONValue, _ field: String, _ index: Int) throws(MLflowError) -> JSONValue {
        guard case .object = value else {
            throw .invalidParameter("Record \(index): '\(field)' must be a dictionary, got a JSON \(value.typeName).")
        }
        return value
    }

    /// MLflow's `DatasetRecordSource.from_dict`: `source_type` (any case) of its enum, `source_data`
    /// an object; an empty object is no source at all (Python reads `{}` as false).
    private static func parseSource(_ value: JSONValue, _ index: Int) throws(MLflowError) -> DatasetRecordSource? {
        guard case .object(let members) = value else {
            throw .invalidParameter("Record \(index): 'source' must be a dictionary, got a JSON \(value.typeName).")
        }
        if members.isEmpty { return nil }
        for (key, _) in members where key != "source_type" && key != "source_data" {
            throw .invalidParameter("Record \(index): 'source' has an unexpected field '\(key)'; "
                                    + "expected 'source_type' and 'source_data'.")
        }
        guard case .string(let written)? = value["source_type"] else {
            throw .invalidParameter("Record \(index): 'source' needs a string 'source_type'.")
        }
        let sourceType = written.uppercased()
        guard DatasetRecordSource.types.contains(sourceType) else {
            throw .invalidParameter("Invalid dataset record source type: \(sourceType). Valid source types: "
                                    + "[" + DatasetRecordSource.types.map { "'\($0)'" }.joined(separator: ", ") + "]")
        }
        var data = JSONValue.object([])
        if let given = value["source_data"], given != .null {
            data = try object(given, "source.source_data", index)
        }
        return DatasetRecordSource(sourceType: sourceType, sourceData: data)
    }
}

/// MLflow's bounds on datasets (its column widths, which its server leaves to the database to
/// enforce), and the request bounds Swiftrack adds.
public enum DatasetLimits {
    public static let maxNameLength = 255
    public static let maxTagKeyLength = 255
    public static let maxTagValueLength = 5000
    public static let maxSourceIdLength = 255
    /// Records one upsert may carry (MLflow sets none; the body limit bounds it too).
    public static let maxRecordsPerUpsert = 100_000
    /// JSON values (objects, strings, numbers...) one upsert's records may hold in all.
    public static let maxValuesPerUpsert = 1_000_000
    /// `datasets/search`'s default and ceiling of `max_results` (MLflow's 1000 and 50000).
    public static let defaultSearchResults = 1000
    public static let maxSearchResults = 50_000
    /// `datasets/{id}/records` pages (MLflow's `LOAD_DATASET_RECORDS_MAX_RESULTS`).
    public static let defaultRecordPage = 1000
    /// The experiments one request may name.
    public static let maxExperimentIds = 1000
    /// The tag whose value MLflow records as `created_by` / `last_updated_by`.
    public static let userTag = "mlflow.user"
}
