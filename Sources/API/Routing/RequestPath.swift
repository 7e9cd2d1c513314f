import HTTPTransport
import URLCoding

/// The router's path normalisation: repeated `/` in the path as sent collapse into one, as MLflow's
/// server (werkzeug's `merge_slashes`) treats `//model-versions/get-artifact` as
/// `/model-versions/get-artifact`. Every stage from routing on (access rule, handler, audit, artifact
/// proxy) reads the one normalised request, so what is checked is what is served.
enum RequestPath {
    /// `rawPath` (still percent-encoded) with every run of `/` made one. Only literal slashes collapse:
    /// `%2F` is data, not a separator, so an encoded `a%2F%2Fb` stays as sent.
    static func collapsingRepeatedSlashes(_ rawPath: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rawPath.utf8.count)
        for byte in rawPath.utf8 where !(byte == UInt8(ascii: "/") && bytes.last == UInt8(ascii: "/")) {
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `rawPath` holds `//` anywhere (checked first, so the common path copies nothing).
    static func hasRepeatedSlash(_ rawPath: String) -> Bool {
        var previousWasSlash = false
        for byte in rawPath.utf8 {
            let isSlash = byte == UInt8(ascii: "/")
            if isSlash && previousWasSlash { return true }
            previousWasSlash = isSlash
        }
        return false
    }

    /// `request` with its path normalised (`path` decoded again from the collapsed `rawPath`); the
    /// request unchanged when there was nothing to collapse.
    static func normalized(_ request: HTTPRequest) -> HTTPRequest {
        guard hasRepeatedSlash(request.rawPath) else { return request }
        var normalized = request
        normalized.rawPath = collapsingRepeatedSlashes(request.rawPath)
        normalized.path = PercentDecoding.decode(normalized.rawPath, plusIsSpace: false)
        return normalized
    }
}
