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
    /// The credentials the mlflow client sends, from the same variables: `MLFLOW_TRACKING_TOKEN`
    /// (Bearer), else `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD` (Basic).
    private var authorization: String?

    /// `--tracking-uri`, else `MLFLOW_TRACKING_URI`, else the local default; it must be http(s).
    init(trackingURI: String?, environment: [String: String] = [:]) throws(UsageError) {
        if let token = environment["MLFLOW_TRACKING_TOKEN"], !token.isEmpty {
            authorization = "Bearer \(token)"
        } else if let user = environment["MLFLOW_TRACKING_USERNAME"], let password = environment["MLFLOW_TRACKING_PASSWORD"] {
            authorization = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        }
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

    /// `GET /api/2.0/swiftrack/model-versions/verify?name=N[&version=V]` → the versions verified. The
    /// server reads and hashes every sealed file, so this may take as long as reading the model does.
    func verify(name: String, version: String?) throws -> [[String: Any]] {
        var route = "model-versions/verify?name=\(PercentEncoding.encode(name))"
        if let version { route += "&version=\(PercentEncoding.encode(version))" }
        // The answer comes once every file is read: no byte flows meanwhile.
        let object = try send("GET", route, body: nil, timeout: 6 * 3600, stallTimeout: 6 * 3600)
        return object["versions"] as? [[String: Any]] ?? []
    }

    private func send(_ method: String, _ route: String, body: [String: Any]?, timeout: Int = 60,
                      stallTimeout: Int = 60) throws -> [String: Any] {
        let url = "\(baseURL)/api/2.0/swiftrack/\(route)"
        var request = HTTPClientRequest(method: method, url: url, connectTimeout: 10, timeout: timeout,
                                        stallTimeout: stallTimeout)
        request.caBundle = caBundle
        if let authorization { request.headers.append(HTTPHeader("Authorization", authorization)) }
        if let body {
            request.headers.append(HTTPHeader("Content-Type", "application/json"))
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
