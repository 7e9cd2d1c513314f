import JSON
import Observability
import SQL

/// An `AuditEntry` to and from a row of `audit_records` (columns in `AuditSchema.columns` order).
enum AuditRow {
    static func bindings(_ entry: AuditEntry) -> [SQLValue] {
        let record = entry.record
        func optional(_ text: String?) -> SQLValue { text.map { .text($0) } ?? .null }
        return [
            .integer(entry.sequence), .integer(record.timeMillis), .text(record.requestId), optional(record.user),
            .text(JSONWriter.string(.array(record.roles.map { .string($0) }))), .text(record.authMethod.rawValue),
            .text(record.method), .text(record.route), optional(record.resources.experimentId),
            optional(record.resources.runId), optional(record.resources.registeredModelName),
            optional(record.resources.modelVersion), optional(record.resources.loggedModelId),
            .text(record.clientAddress), .integer(Int64(record.status)), optional(record.errorCode),
            .integer(record.durationMicros), .text(entry.mode?.rawValue ?? ""), .text(entry.previousHash), .text(entry.hash),
            optional(record.resources.sealDigest),
        ]
    }

    /// Reads a row verbatim; a value that cannot be read as written (roles that are not a JSON
    /// list of strings, an unknown chain mode) is kept in a form whose hash cannot match.
    static func entry(_ row: any SQLRow) -> AuditEntry {
        let record = AuditRecord(
            timeMillis: row.int64(1), requestId: row.string(2), user: row.optionalString(3), roles: roles(row.string(4)),
            authMethod: AuditAuthMethod(rawValue: row.string(5)), method: row.string(6), route: row.string(7),
            resources: AuditResources(experimentId: row.optionalString(8), runId: row.optionalString(9),
                                      registeredModelName: row.optionalString(10), modelVersion: row.optionalString(11),
                                      loggedModelId: row.optionalString(12), sealDigest: row.optionalString(20)),
            clientAddress: row.string(13), status: Int(clamping: row.int64(14)), errorCode: row.optionalString(15),
            durationMicros: row.int64(16))
        return AuditEntry(sequence: row.int64(0), record: record,
                          mode: AuditChainMode(rawValue: row.string(17)),
                          previousHash: row.string(18), hash: row.string(19))
    }

    private static func roles(_ text: String) -> [String] {
        guard case .array(let items)? = try? JSONParser.parse(text) else { return ["\u{FFFD}" + text] }
        return items.map { item in
            if case .string(let name) = item { return name }
            return "\u{FFFD}" + JSONWriter.string(item)
        }
    }
}
