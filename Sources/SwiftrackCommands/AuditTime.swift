import Foundation

/// Times given to `audit export`: milliseconds since the epoch, or ISO 8601 (a date, or a date
/// and time with an offset or `Z`, fractional seconds allowed).
enum AuditTime {
    static func millis(_ text: String) throws(UsageError) -> Int64 {
        if let millis = Int64(text) { return millis }
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds],
                                                      [.withInternetDateTime], [.withFullDate]] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
        }
        throw UsageError("'\(text)' is neither milliseconds since the epoch nor an ISO 8601 time")
    }
}
