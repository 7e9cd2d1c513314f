public import JSON

/// runs/log-model: MLflow's `_log_model` handler and `record_logged_model`, which append a summary of
/// the model's MLmodel (`Model.get_tags_dict()`) to the run's `mlflow.log-model.history` tag.
public enum LogModelHistory {
    public static let tagKey = "mlflow.log-model.history"
    static let mandatoryFields = ["artifact_path", "flavors", "utc_time_created", "run_id"]

    /// The tag entry for `modelJSON`, with MLflow's checks and messages: valid JSON, the four
    /// mandatory fields present. `nowMicroseconds` (since the epoch, UTC) stands in for a falsy
    /// `utc_time_created`, as `Model.__init__` does. Where MLflow fails with a 500 on a value it cannot
    /// read (a model or `flavors` that is no JSON object), this is a 400.
    public static func entry(modelJSON: String, nowMicroseconds: Int64) throws(MLflowError) -> JSONValue {
        guard let parsed = try? JSONParser.parse(modelJSON) else {
            throw .invalidParameter("Malformed model info. \n \(modelJSON) \n is not a valid JSON.")
        }
        guard case .object(let members) = parsed else {
            throw .invalidParameter("Malformed model info: the model json must be a JSON object.")
        }
        // The last of a repeated key wins, as in Python's json.loads.
        var fields: [String: JSONValue] = [:]
        for (key, value) in members { fields[key] = value }
        let missing = mandatoryFields.filter { fields[$0] == nil }.sorted()
        if !missing.isEmpty {
            throw .invalidParameter("Model json is missing mandatory fields: {"
                + missing.map(PythonFormatting.repr).joined(separator: ", ") + "}")
        }
        // `get_tags_dict`: run_id and artifact_path unless null, the creation time as `str(...)`,
        // model_uuid (null when absent), then each flavor without its `config`.
        var entry: [(String, JSONValue)] = []
        for key in ["run_id", "artifact_path"] where fields[key] != JSONValue.null {
            if let value = fields[key] { entry.append((key, value)) }
        }
        let created = fields["utc_time_created"] ?? .null
        entry.append(("utc_time_created", .string(isTruthy(created) ? pythonString(created)
                                                               : pythonDateTime(microseconds: nowMicroseconds))))
        entry.append(("model_uuid", fields["model_uuid"] ?? .null))
        var flavors: [(String, JSONValue)] = []
        switch fields["flavors"] ?? .null {
        case .null: break
        case .object(let configured):
            for (flavor, config) in configured {
                if case .object(let settings) = config {
                    flavors.append((flavor, .object(settings.filter { $0.0 != "config" })))
                } else {
                    flavors.append((flavor, config))
                }
            }
        default:
            throw .invalidParameter("Malformed model info: 'flavors' must be a JSON object.")
        }
        entry.append(("flavors", .object(flavors)))
        return .object(entry)
    }

    /// The tag's new value: `existing` (a JSON list) with `entry` appended, as `json.dumps` writes it.
    /// A value that is no list, or a result past the run tag limit, is refused: truncating would store
    /// broken JSON (MLflow answers 500 for the first and stores the second past its column's size).
    public static func appending(_ entry: JSONValue, to existing: String?) throws(MLflowError) -> String {
        var entries: [JSONValue] = []
        if let existing {
            guard case .array(let listed)? = try? JSONParser.parse(existing) else {
                throw .invalidParameter("The run's '\(tagKey)' tag holds no JSON list, so the model cannot be added to it.")
            }
            entries = listed
        }
        entries.append(entry)
        let value = PythonFormatting.jsonDumps(.array(entries))
        if Validation.length(value) > Validation.maxTagValueLength {
            throw .invalidParameter("The run's '\(tagKey)' tag would exceed \(Validation.maxTagValueLength) characters "
                + "with this model; it is not recorded.")
        }
        return value
    }

    /// Python's truth value of a JSON value.
    static func isTruthy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return false
        case .bool(let flag): return flag
        case .integer(let number): return number != 0
        case .double(let number): return number != 0
        case .string(let text): return !text.isEmpty
        case .array(let elements): return !elements.isEmpty
        case .object(let members): return !members.isEmpty
        }
    }

    /// Python's `str()` of a JSON value as `json.loads` gives it (a string as itself, the rest as `repr`).
    static func pythonString(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return pythonRepr(value)
    }

    static func pythonRepr(_ value: JSONValue) -> String {
        switch value {
        case .null: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .integer(let number): return String(number)
        case .double(let number):
            if number.isNaN { return "nan" }
            if number.isInfinite { return number > 0 ? "inf" : "-inf" }
            return number.description
        case .string(let text): return PythonFormatting.repr(text)
        case .array(let elements): return "[" + elements.map(pythonRepr).joined(separator: ", ") + "]"
        case .object(let members):
            return "{" + members.map { PythonFormatting.repr($0.0) + ": " + pythonRepr($0.1) }.joined(separator: ", ") + "}"
        }
    }

    /// `str(datetime)` of a naive UTC time: `YYYY-MM-DD HH:MM:SS[.ffffff]`.
    static func pythonDateTime(microseconds: Int64) -> String {
        let perDay: Int64 = 86_400_000_000
        let days = microseconds >= 0 ? microseconds / perDay : (microseconds - perDay + 1) / perDay
        let inDay = microseconds - days * perDay
        // Days to a civil date (Howard Hinnant's algorithm), proleptic Gregorian.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let seconds = inDay / 1_000_000
        let fraction = inDay % 1_000_000
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) "
            + "\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
        return fraction == 0 ? text : text + "." + pad(fraction, 6)
    }
}
