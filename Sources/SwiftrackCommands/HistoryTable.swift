import Foundation

/// Renders registry history entries (as the history route sends them) as an aligned text table.
enum HistoryTable {
    static let header = ["TIME", "USER", "KIND", "VERSION", "ALIAS", "CHANGE", "NOTE"]

    static func render(_ entries: [[String: Any]]) -> String {
        let rows = [header] + entries.map(row)
        var widths = Array(repeating: 0, count: header.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    static func row(_ entry: [String: Any]) -> [String] {
        [
            time(entry["timestamp"]),
            entry["user_id"] as? String ?? "-",
            entry["kind"] as? String ?? "?",
            entry["version"] as? String ?? "?",
            entry["alias"] as? String ?? "-",
            change(entry),
            (entry["rollback"] as? Bool) == true ? "rollback" : "",
        ]
    }

    /// `from -> to`, with `(none)` where the alias did not exist or was removed.
    static func change(_ entry: [String: Any]) -> String {
        "\(entry["from"] as? String ?? "(none)") -> \(entry["to"] as? String ?? "(none)")"
    }

    /// Milliseconds since the epoch as UTC `yyyy-MM-ddTHH:mm:ssZ`.
    static func time(_ value: Any?) -> String {
        guard let millis = (value as? NSNumber)?.int64Value else { return "-" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
