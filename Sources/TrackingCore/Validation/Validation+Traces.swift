extension Validation {
    /// The longest trace id, client request id and preview the store keeps (MLflow's columns).
    public static let maxTraceIdLength = 50
    public static let maxTracePreviewLength = 1000

    /// A trace record as `startTrace` stores it: ids within their columns, tag keys named as run tag
    /// keys are, tag and metadata values truncated to MLflow's 8,000 characters, previews to 1,000.
    public static func validatedTraceInfo(_ info: TraceInfo) throws(MLflowError) -> TraceInfo {
        guard !info.traceId.isEmpty else { throw .invalidParameter(missingValue("trace_id")) }
        try checkLength("trace_id", maxTraceIdLength, info.traceId)
        // The id becomes a folder of the experiment's artifact location (`traces/<id>/artifacts`):
        // only characters that cannot climb out of it or name another folder.
        guard !info.traceId.hasPrefix("."), info.traceId.unicodeScalars.allSatisfy(isTraceIdCharacter) else {
            throw .invalidParameter(invalidValue("trace_id", PythonFormatting.jsonString(info.traceId),
                                                 "Trace IDs may contain only ASCII letters, digits, '-', '_', '.' and ':', "
                                                     + "and may not start with '.'."))
        }
        if let clientRequestId = info.clientRequestId { try checkLength("client_request_id", maxTraceIdLength, clientRequestId) }
        var checked = info
        checked.tags = try info.tags.map { tag throws(MLflowError) in try validatedTraceTag(key: tag.key, value: tag.value) }
        checked.metadata = try info.metadata.map { entry throws(MLflowError) in
            try checkLength("trace_metadata key", maxEntityKeyLength, entry.key)
            return Tag(key: entry.key, value: truncated(entry.value, to: maxTagValueLength))
        }
        checked.requestPreview = info.requestPreview.map { truncated($0, to: maxTracePreviewLength) }
        checked.responsePreview = info.responsePreview.map { truncated($0, to: maxTracePreviewLength) }
        return checked
    }

    private static func isTraceIdCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                           || "-_.:".unicodeScalars.contains(scalar))
    }

    /// MLflow's `_validate_trace_tag`: a tag name, at most 250 characters; the value truncated to 8,000.
    /// A tag a client sets (`traces/{id}/tags`): MLflow's rules, and not one the server keeps.
    public static func validatedClientTraceTag(key: String, value: String) throws(MLflowError) -> Tag {
        guard !TraceKeys.serverOwnedTags.contains(key) else {
            throw .invalidParameter("The trace tag '\(key)' is set by the server and cannot be changed.")
        }
        return try validatedTraceTag(key: key, value: value)
    }

    public static func validatedTraceTag(key: String, value: String) throws(MLflowError) -> Tag {
        try validateName(key, path: "key")
        try checkLength("key", maxEntityKeyLength, key)
        return Tag(key: key, value: truncated(value, to: maxTagValueLength))
    }

    /// Spans of one trace as `log_spans` keeps them: the trace id checked as `start_trace` checks it;
    /// tags whose key MLflow would refuse are dropped (as MLflow skips them, since they come from
    /// attributes rather than a request field), values and previews truncated as MLflow truncates.
    public static func validatedSpanBatch(_ batch: TraceSpanBatch) throws(MLflowError) -> TraceSpanBatch {
        _ = try validatedTraceInfo(TraceInfo(traceId: batch.traceId, experimentId: "", requestTime: 0, state: .ok))
        var checked = batch
        let keep = { (tag: Tag) -> Tag? in
            TraceKeys.serverOwnedTags.contains(tag.key) ? nil : try? validatedTraceTag(key: tag.key, value: tag.value)
        }
        checked.resourceTags = batch.resourceTags.compactMap(keep)
        checked.root?.tags = (batch.root?.tags ?? []).compactMap(keep)
        checked.root?.requestPreview = batch.root?.requestPreview.map { truncated($0, to: maxTracePreviewLength) }
        checked.root?.responsePreview = batch.root?.responsePreview.map { truncated($0, to: maxTracePreviewLength) }
        checked.user = batch.user.map { truncated($0, to: maxTagValueLength) }
        for span in batch.spans where span.traceId != batch.traceId {
            throw .invalidParameter("Span \(span.spanId) belongs to trace \(span.traceId), not \(batch.traceId).")
        }
        // A span sent twice in one request counts once, its last copy (as a store of rows by id would
        // keep it; one statement may not write a row twice).
        var last: [String: Int] = [:]
        for (index, span) in batch.spans.enumerated() { last[span.spanId] = index }
        checked.spans = batch.spans.enumerated().compactMap { index, span in
            guard last[span.spanId] == index else { return nil }
            var span = span
            span.spanType = span.spanType.map { truncated($0, to: maxSpanTypeLength) }
            return span
        }
        return checked
    }

    /// MLflow's `MAX_TRACE_LINKS_PER_REQUEST`.
    public static let maxTraceLinksPerRequest = 100

    /// The `spans.type` column's width.
    public static let maxSpanTypeLength = 500

    /// MLflow's rules for traces/delete-traces: by age or by ids, never both; a count only with an age.
    public static func validateTraceDeletion(maxTimestampMillis: Int64?, maxTraces: Int?,
                                             traceIds: [String]) throws(MLflowError) {
        if maxTimestampMillis == nil && traceIds.isEmpty {
            throw .invalidParameter("Either `max_timestamp_millis` or `trace_ids` must be specified.")
        }
        if maxTimestampMillis != nil && !traceIds.isEmpty {
            throw .invalidParameter("Only one of `max_timestamp_millis` and `trace_ids` can be specified.")
        }
        if !traceIds.isEmpty && maxTraces != nil {
            throw .invalidParameter("`max_traces` can't be specified if `trace_ids` is specified.")
        }
        if let maxTraces, maxTraces <= 0 {
            throw .invalidParameter("`max_traces` must be a positive integer, received \(maxTraces).")
        }
    }
}
