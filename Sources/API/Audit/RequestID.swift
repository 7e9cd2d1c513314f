import TrackingCore

/// The id a request is known by in the request log, the audit log and its `X-Request-Id` answer.
enum RequestID {
    static let maxLength = 128

    /// The client's `X-Request-Id` when it is printable ASCII (cut to 128 characters), else a new UUID.
    static func resolve(_ header: String?) -> String {
        if let header {
            let trimmed = header[...].trimmingWhitespace()
            if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
                return String(trimmed.prefix(maxLength))
            }
        }
        return RandomID.uuid4()
    }
}
