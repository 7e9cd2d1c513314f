extension Validation {
    /// A metric's name and timestamp (its value is a number by construction).
    public static func validateMetric(_ metric: Metric, path: String = "") throws(MLflowError) {
        try validateName(metric.key, path: joinPath(path, "name"))
        if metric.timestamp < 0 {
            throw .invalidParameter(invalidValue(
                joinPath(path, "timestamp"), String(metric.timestamp),
                "metric '\(metric.key)' (value=\(PythonFormatting.float(metric.value))). "
                    + "Timestamp must be a nonnegative long (64-bit integer) "))
        }
        try checkLength("Metric name", maxEntityKeyLength, metric.key)
    }

    /// Checks a param's key and returns it with its value truncated to MLflow's limit.
    public static func validatedParam(_ param: Param, path: String = "") throws(MLflowError) -> Param {
        try validateName(param.key, path: joinPath(path, "key"))
        try checkLength("Param key", maxEntityKeyLength, param.key)
        return Param(key: param.key, value: truncated(param.value, to: maxParamValueLength))
    }

    /// Checks a run tag's key and returns it with its value truncated to MLflow's limit.
    public static func validatedTag(_ tag: Tag, path: String = "") throws(MLflowError) -> Tag {
        try validateName(tag.key, path: joinPath(path, "key"))
        try checkLength(joinPath(path, "key"), maxEntityKeyLength, tag.key)
        return Tag(key: tag.key, value: truncated(tag.value, to: maxTagValueLength))
    }

    public static func validateExperimentTag(_ tag: Tag) throws(MLflowError) {
        try validateName(tag.key, path: "key")
        try checkLength("key", maxExperimentTagKeyLength, tag.key)
        try checkLength("value", maxExperimentTagValueLength, tag.value)
    }

    public static func validateExperimentName(_ name: String) throws(MLflowError) {
        if name.isEmpty { throw .invalidParameter("Invalid experiment name: ''") }
        if length(name) > maxExperimentNameLength {
            throw .invalidParameter(exceedsMaximumLength("name", maxExperimentNameLength))
        }
    }

    /// `^[a-zA-Z0-9][\w\-]{0,255}$`
    public static func validateRunId(_ runId: String, path: String = "run_id") throws(MLflowError) {
        let scalars = Array(runId.unicodeScalars)
        let valid = !scalars.isEmpty && scalars.count <= 256 && scalars[0].isASCIIAlphanumeric
            && scalars.dropFirst().allSatisfy { $0 == "-" || isPythonWordCharacter($0) }
        if !valid { throw .invalidParameter(invalidValue(path, PythonFormatting.jsonString(runId))) }
    }

    public static func validateBatchLimits(metrics: Int, params: Int, tags: Int) throws(MLflowError) {
        try checkBatchLimit("metrics", maxMetricsPerBatch, metrics)
        try checkBatchLimit("params", maxParamsTagsPerBatch, params)
        try checkBatchLimit("tags", maxParamsTagsPerBatch, tags)
        try checkBatchLimit("metrics, params, and tags", maxEntitiesPerBatch, metrics + params + tags)
    }

    static func checkBatchLimit(_ entity: String, _ limit: Int, _ count: Int) throws(MLflowError) {
        if count > limit {
            throw .invalidParameter("A batch logging request can contain at most \(limit) \(entity). "
                + "Got \(count) \(entity). Please split up \(entity) across multiple requests and try again.")
        }
    }

    public static func validateUniqueParamKeys(_ params: [Param]) throws(MLflowError) {
        var seen = Set<String>()
        var duplicates: [String] = []
        for param in params where !seen.insert(param.key).inserted { duplicates.append(param.key) }
        if !duplicates.isEmpty {
            let list = "[" + duplicates.map(PythonFormatting.repr).joined(separator: ", ") + "]"
            throw .invalidParameter("Duplicate parameter keys have been submitted: \(list). Please ensure "
                + "the request contains only one param value per param key.")
        }
    }

    /// Search page sizes: 1...50000.
    public static func validateMaxResults(_ maxResults: Int) throws(MLflowError) {
        if maxResults < 1 {
            throw .invalidParameter("Invalid value \(maxResults) for parameter 'max_results' supplied. It must be "
                + "a positive integer")
        }
        if maxResults > maxSearchResults {
            throw .invalidParameter("Invalid value \(maxResults) for parameter 'max_results' supplied. It must be at "
                + "most \(maxSearchResults)")
        }
    }

    public static func validateDatasetInput(_ input: DatasetInput) throws(MLflowError) {
        let dataset = input.dataset
        try checkLength("Dataset name", maxDatasetNameLength, dataset.name)
        try checkLength("Dataset digest", maxDatasetDigestLength, dataset.digest)
        try checkLength("Dataset source", maxDatasetSourceLength, dataset.source)
        if let schema = dataset.schema { try checkLength("Dataset schema", maxDatasetSchemaLength, schema) }
        if let profile = dataset.profile { try checkLength("Dataset profile", maxDatasetProfileLength, profile) }
        for tag in input.tags {
            try checkLength("Input tag key", maxInputTagKeyLength, tag.key)
            try checkLength("Input tag value", maxInputTagValueLength, tag.value)
        }
    }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}
