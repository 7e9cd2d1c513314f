import HTTPTransport
import JSON
import TrackingCore

extension MLflowError {
    /// `{"error_code": ..., "message": ...}` with the code's HTTP status.
    var response: HTTPResponse {
        let body = JSONValue.object([("error_code", .string(code.rawValue)), ("message", .string(message))])
        return .json(JSONWriter.bytes(body), status: code.httpStatus)
    }
}
