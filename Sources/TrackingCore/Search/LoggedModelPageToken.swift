import Foundation
import JSON

/// MLflow's `SearchLoggedModelsPaginationToken`: base64 of
/// `{"experiment_ids": [...], "filter_string": ..., "order_by": [...], "offset": N}`. A token is
/// only valid for the query that issued it.
public enum LoggedModelPageToken {
    public static func encode(experimentIds: [String], filter: String?, orderBy: [LoggedModelOrderBy], offset: Int) -> String {
        let ids = "[" + experimentIds.map(PythonFormatting.jsonString).joined(separator: ", ") + "]"
        let filterText = filter.map(PythonFormatting.jsonString) ?? "null"
        let order = orderBy.isEmpty ? "null" : "[" + orderBy.map { entry in
            "{\"field_name\": \(PythonFormatting.jsonString(entry.fieldName)), "
                + "\"ascending\": \(entry.ascending ? "true" : "false"), "
                + "\"dataset_name\": \(entry.datasetName.map(PythonFormatting.jsonString) ?? "null"), "
                + "\"dataset_digest\": \(entry.datasetDigest.map(PythonFormatting.jsonString) ?? "null")}"
        }.joined(separator: ", ") + "]"
        let json = "{\"experiment_ids\": \(ids), \"filter_string\": \(filterText), \"order_by\": \(order), \"offset\": \(offset)}"
        return Data(json.utf8).base64EncodedString()
    }

    /// The offset of `token` (0 without one), after checking that it was issued for this query.
    public static func offset(_ token: String?, experimentIds: [String], filter: String?,
                              orderBy: [LoggedModelOrderBy]) throws -> Int {
        guard let token, !token.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: token), let parsed = try? JSONParser.parse([UInt8](data), maxDepth: 8),
              case .object = parsed else {
            throw MLflowError.invalidParameter("Invalid page token: \(token).")
        }
        let tokenIds: [String]? = parsed["experiment_ids"].flatMap { value in
            guard case .array(let items) = value else { return nil }
            return items.compactMap { if case .string(let text) = $0 { return text }; return nil }
        }
        if tokenIds != experimentIds {
            throw MLflowError.invalidParameter(
                "Experiment IDs in the page token do not match the requested experiment IDs. "
                + "Expected: \(SearchMessages.pythonList(experimentIds)). "
                + "Found: \(tokenIds.map(SearchMessages.pythonList) ?? "None")")
        }
        var tokenFilter: String?
        if case .string(let text)? = parsed["filter_string"], !text.isEmpty { tokenFilter = text }
        let requestedFilter = (filter?.isEmpty ?? true) ? nil : filter
        if tokenFilter != requestedFilter {
            throw MLflowError.invalidParameter(
                "Filter string in the page token does not match the requested filter string. "
                + "Expected: \(requestedFilter ?? "None"). Found: \(tokenFilter ?? "None")")
        }
        let tokenOrder = decodedOrderBy(parsed["order_by"])
        if tokenOrder != orderBy {
            throw MLflowError.invalidParameter(
                "Order by in the page token does not match the requested order by. "
                + "Expected: \(pythonRepr(orderBy)). Found: \(pythonRepr(tokenOrder))")
        }
        guard case .integer(let offset)? = parsed["offset"], offset >= 0, let result = Int(exactly: offset) else {
            throw MLflowError.invalidParameter("Invalid page token: \(token).")
        }
        return result
    }

    private static func decodedOrderBy(_ value: JSONValue?) -> [LoggedModelOrderBy] {
        guard case .array(let items)? = value else { return [] }
        return items.map { item in
            var entry = LoggedModelOrderBy(fieldName: "")
            if case .string(let text)? = item["field_name"] { entry.fieldName = text }
            if case .bool(let flag)? = item["ascending"] { entry.ascending = flag }
            if case .string(let text)? = item["dataset_name"] { entry.datasetName = text }
            if case .string(let text)? = item["dataset_digest"] { entry.datasetDigest = text }
            return entry
        }
    }

    /// Python's repr of the order_by list of dicts, as MLflow's message prints it.
    static func pythonRepr(_ orderBy: [LoggedModelOrderBy]) -> String {
        guard !orderBy.isEmpty else { return "None" }
        func optional(_ text: String?) -> String { text.map(SearchMessages.pythonString) ?? "None" }
        return "[" + orderBy.map { entry in
            "{'field_name': \(SearchMessages.pythonString(entry.fieldName)), "
                + "'ascending': \(entry.ascending ? "True" : "False"), "
                + "'dataset_name': \(optional(entry.datasetName)), 'dataset_digest': \(optional(entry.datasetDigest))}"
        }.joined(separator: ", ") + "]"
    }
}
