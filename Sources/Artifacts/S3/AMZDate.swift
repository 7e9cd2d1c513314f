public import Foundation

/// SigV4's timestamps: `20130524T000000Z` and its date part `20130524`, always UTC.
public struct AMZDate: Sendable, Equatable {
    public let timestamp: String
    public var dateStamp: String { String(timestamp.prefix(8)) }

    public init(_ date: Date) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        timestamp = String(format: "%04d%02d%02dT%02d%02d%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                           Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
