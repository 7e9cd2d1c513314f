import Foundation
import OutboundHTTP
import TrackingCore

/// Authorised GCS JSON API calls for one bucket: builds the URL, adds the bearer token, sends,
/// and turns error answers into `MLflowError`.
struct GCSClient: Sendable {
    let configuration: GCSConfiguration
    let bucket: String
    let http = HTTPClient()

    /// `/storage/v1/b/<bucket>/o`, the object collection (and `/upload/...` for uploads).
    var objectsPath: String { "/storage/v1/b/\(AWSURIEncoding.encode(bucket))/o" }
    var uploadPath: String { "/upload" + objectsPath }

    /// The path of one object: its whole name is one encoded segment (`/` becomes `%2F`).
    func objectPath(_ name: String) -> String { objectsPath + "/" + AWSURIEncoding.encode(name) }

    func url(path: String, query: [QueryItem]) -> String {
        let queryText = AWSURIEncoding.canonicalQuery(query)
        return configuration.endpointURL + path + (queryText.isEmpty ? "" : "?" + queryText)
    }

    /// One call to the JSON API; `object` names the object in error messages.
    func send(_ method: String, path: String, query: [QueryItem] = [], headers: [HTTPHeader] = [],
              body: HTTPRequestBody = .empty, destination: HTTPResponseDestination = .memory,
              operation: String, object: String) throws -> HTTPClientResponse {
        try send(method, url: url(path: path, query: query), headers: headers, body: body, destination: destination,
                 operation: operation, object: object)
    }

    /// One call to a full URL (a resumable session URI); `accepting` lists non-2xx statuses that
    /// are answers rather than errors (308 Resume Incomplete).
    func send(_ method: String, url: String, headers: [HTTPHeader] = [], body: HTTPRequestBody = .empty,
              destination: HTTPResponseDestination = .memory, accepting: Set<Int> = [],
              operation: String, object: String) throws -> HTTPClientResponse {
        var request = HTTPClientRequest(method: method, url: url, headers: headers, body: body, destination: destination,
                                        connectTimeout: configuration.connectTimeout, stallTimeout: configuration.stallTimeout)
        if let authorization = try configuration.tokens.authorization() {
            request.headers.append(HTTPHeader("Authorization", authorization))
        }
        let response = try http.send(request)
        guard response.isSuccess || accepting.contains(response.status) else {
            throw GCSErrorMapping.error(for: response, operation: operation, object: object)
        }
        return response
    }
}
