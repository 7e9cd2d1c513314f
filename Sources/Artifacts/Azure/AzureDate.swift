import Foundation

/// The two time formats of Azure Storage: RFC 1123 for `x-ms-date`, ISO 8601 (seconds, UTC)
/// for SAS start and expiry.
enum AzureDate {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Fri, 26 Jun 2015 23:39:12 GMT`.
    static func rfc1123(_ date: Date) -> String {
        let parts = utc(date)
        return String(format: "%@, %02d %@ %04d %02d:%02d:%02d GMT", weekdays[Int(parts.tm_wday)], Int(parts.tm_mday),
                      months[Int(parts.tm_mon)], Int(parts.tm_year) + 1900, Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// `2015-06-26T23:39:12Z`.
    static func iso8601(_ date: Date) -> String {
        let parts = utc(date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    private static func utc(_ date: Date) -> tm {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return parts
    }
}
