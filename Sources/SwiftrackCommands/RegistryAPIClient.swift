import Foundation
import OutboundHTTP
import URLCoding

/// A small client of Swiftrack's own registry routes on a running server (for `swiftrack models`).
struct RegistryAPIClient {
    /// The server's base URL, without a trailing slash.
    let baseURL: String
    private let http = HTTPClient()
    /// The certificate (or CA) to trust, as the mlflow client reads it: `MLFLOW_TRACKING_SERVER_CERT_PATH`.
    private let caBundle = ProcessInfo.processInfo.environment["MLFLOW_TRACKING_SERVER_CERT_PATH"]

    /// `--tracking-uri`, else `MLFLOW_TRACKING_URI`, else the local default; it must be http(s).
    init(trackingURI: String?) throws(UsageError) {
        var base = trackingURI ?? "http://127.0.0.1:5000"
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw UsageError("the tracking URI must be an http(s) URL of a running server, not '\(base)'")
        }
        baseURL = base
    }

    /// `GET /api/2.0/swiftrack/registered-models/history?name=N` → the entries, newest first.
    func history(name: String) throws -> [[String: Any]] {
        let object = try send("GET", "registered-models/history?name=\(PercentEncoding.encode(name))", body: nil)
        return object["entries"] as? [[String: Any]] ?? []
    }

    /// `POST /api/2.0/swiftrack/registered-models/rollback` → the whole answer.
    func rollback(name: String, alias: String?, stage: String?) throws -> [String: Any] {
        var body: [String: Any] = ["name": name]
        if let alias { body["alias"] = alias }
        if let stage { body["stage"] = stage }
        return try send("POST", "registered-models/rollback", body: body)
    }

    private func send(_ method: String, _ route: String, body: [String: Any]?) throws -> [String: Any] {
        let url = "\(baseURL)/api/2.0/swiftrack/\(route)"
        var request = HTTPClientRequest(method: method, url: url, connectTimeout: 10, timeout: 60)
        request.caBundle = caBundle
        if let body {
            request.headers = [HTTPHeader("Content-Type", "application/json")]
            request.body = .bytes(Array(try JSONSerialization.data(withJSONObject: body)))
        }
        let response: HTTPClientResponse
        do {
            response = try http.perform(request)
        } catch {
            throw CommandFailure("cannot reach \(baseURL): \(error)")
        }
        let parsed = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        guard response.isSuccess else {
            if let code = parsed?["error_code"] as? String {
                throw CommandFailure("\(code): \(parsed?["message"] as? String ?? "")")
            }
            throw CommandFailure("\(method) \(url) answered \(response.status)"
                + (response.status == 404 ? " (is this a Swiftrack server?)" : ""))
        }
        guard let parsed else { throw CommandFailure("\(method) \(url) answered something that is not JSON") }
        return parsed
    }
}

/// A command that ran but failed (the server refused, or could not be reached): printed, exit 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
