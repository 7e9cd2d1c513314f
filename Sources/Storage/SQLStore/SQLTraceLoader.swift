import SQL
import TrackingCore

/// Loads whole trace records (info, tags, request metadata, assessments) for a list of ids with four queries
/// per chunk; results keep the ids' order, unknown ids are left out.
enum SQLTraceLoader {
    static func traces(_ ids: [String], _ connection: any SQLConnection) throws -> [TraceInfo] {
        var byId: [String: TraceInfo] = [:]
        for start in stride(from: 0, to: ids.count, by: SQLEntityLoader.chunkSize) {
            let keys = SQLKeyList(Array(ids[start..<min(start + SQLEntityLoader.chunkSize, ids.count)]),
                                  dialect: connection.dialect)
            for info in try connection.query(
                """
                SELECT request_id, experiment_id, timestamp_ms, execution_time_ms, status, client_request_id,
                       request_preview, response_preview
                FROM trace_info WHERE \(keys.contains("request_id"))
                """, keys.bindings, { row in
                    TraceInfo(traceId: row.string(0), experimentId: String(row.int64(1)), clientRequestId: row.optionalString(5),
                              requestTime: row.int64(2), executionDuration: row.optionalInt64(3),
                              state: TraceState(rawValue: row.string(4)) ?? .unspecified,
                              requestPreview: row.optionalString(6), responsePreview: row.optionalString(7))
                }) {
                byId[info.traceId] = info
            }
            for (id, tag) in try connection.query(
                "SELECT request_id, key, value FROM trace_tags WHERE \(keys.contains("request_id")) ORDER BY request_id, key",
                keys.bindings, { ($0.string(0), Tag(key: $0.string(1), value: $0.optionalString(2) ?? "")) }) {
                byId[id]?.tags.append(tag)
            }
            for (id, entry) in try connection.query(
                """
                SELECT request_id, key, value FROM trace_request_metadata WHERE \(keys.contains("request_id"))
                ORDER BY request_id, key
                """, keys.bindings, { ($0.string(0), Tag(key: $0.string(1), value: $0.optionalString(2) ?? "")) }) {
                byId[id]?.metadata.append(entry)
            }
            for assessment in try connection.query(
                """
                SELECT \(SQLAssessmentRows.columns) FROM assessments WHERE \(keys.contains("trace_id"))
                ORDER BY trace_id, created_timestamp, assessment_id
                """, keys.bindings, SQLAssessmentRows.assessment) {
                byId[assessment.traceId]?.assessments.append(assessment)
            }
        }
        return ids.compactMap { byId[$0] }
    }
}
