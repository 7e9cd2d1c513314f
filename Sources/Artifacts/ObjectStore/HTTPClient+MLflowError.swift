import OutboundHTTP
import TrackingCore

extension HTTPClient {
    /// `perform` for an object store: an exchange that failed (the store unreachable, a timeout, a
    /// local file) answers INTERNAL_ERROR with the client's reason, which names no query string.
    func send(_ request: HTTPClientRequest) throws(MLflowError) -> HTTPClientResponse {
        do {
            return try perform(request)
        } catch {
            throw .internalError(error.message)
        }
    }
}
