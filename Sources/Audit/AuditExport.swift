import Observability

/// An audit entry as one JSON object on a line (`swiftrack audit export --format jsonl`).
public enum AuditExport {
    public static func jsonLine(_ entry: AuditEntry) -> String {
        let record = entry.record
        func text(_ value: String?) -> String { value.map(JSONLine.quoted) ?? "null" }
        return JSONLine.object([
            ("seq", String(entry.sequence)),
            ("time", JSONLine.quoted(AuditCheckpoint.isoTime(record.timeMillis))),
            ("time_ms", String(record.timeMillis)),
            ("request_id", JSONLine.quoted(record.requestId)),
            ("user", text(record.user)),
            ("roles", "[" + record.roles.map(JSONLine.quoted).joined(separator: ",") + "]"),
            ("auth_method", JSONLine.quoted(record.authMethod.rawValue)),
            ("method", JSONLine.quoted(record.method)),
            ("route", JSONLine.quoted(record.route)),
            ("experiment_id", text(record.resources.experimentId)),
            ("run_id", text(record.resources.runId)),
            ("registered_model_name", text(record.resources.registeredModelName)),
            ("model_version", text(record.resources.modelVersion)),
            ("logged_model_id", text(record.resources.loggedModelId)),
            ("seal_digest", text(record.resources.sealDigest)),
            ("client_address", JSONLine.quoted(record.clientAddress)),
            ("status", String(record.status)),
            ("error_code", text(record.errorCode)),
            ("duration_ms", String(Double(record.durationMicros) / 1000)),
            ("chain", text(entry.mode?.rawValue)),
            ("prev_hash", JSONLine.quoted(entry.previousHash)),
            ("hash", JSONLine.quoted(entry.hash)),
        ])
    }
}
