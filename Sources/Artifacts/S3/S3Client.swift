import Crypto
import Foundation
import OutboundHTTP
import TrackingCore

/// Signed S3 REST calls for one bucket: builds the URL, signs, sends, and turns error answers
/// into `MLflowError`.
struct S3Client: Sendable {
    let configuration: S3Configuration
    let endpoint: S3Endpoint
    let http = HTTPClient()

    init(configuration: S3Configuration, bucket: String) throws(MLflowError) {
        self.configuration = configuration
        self.endpoint = try S3Endpoint(configuration: configuration, bucket: bucket)
    }

    /// One S3 call. `payloadHash` nil means: hash the body when it is small bytes or when the
    /// endpoint is plain HTTP (nothing else protects the bytes), send UNSIGNED-PAYLOAD otherwise.
    func send(_ method: String, key: String, query: [QueryItem] = [], headers: [HTTPHeader] = [],
              body: HTTPRequestBody = .empty, destination: HTTPResponseDestination = .memory,
              operation: String) throws -> HTTPClientResponse {
        let encodedPath = endpoint.encodedPath(forKey: key)
        var request = HTTPClientRequest(method: method, url: endpoint.url(encodedPath: encodedPath, query: query),
                                  body: body, destination: destination,
                                  connectTimeout: configuration.connectTimeout, stallTimeout: configuration.stallTimeout)
        let signable = SigV4Request(method: method, host: endpoint.authority, encodedPath: encodedPath, query: query, headers: headers)
        if let credentials = configuration.credentials {
            let signer = SigV4Signer(credentials: credentials, region: configuration.region)
            request.headers = signer.signedHeaders(for: signable, payloadHash: try payloadHash(of: body),
                                                   date: AMZDate(Date()))
        } else {
            request.headers = [HTTPHeader("Host", endpoint.authority)] + headers
        }
        let response = try http.send(request)
        guard response.isSuccess else { throw S3ErrorMapping.error(for: response, operation: operation, key: key) }
        return response
    }

    /// A URL anyone can use for `expires` seconds to make this one call.
    func presignedURL(_ method: String, key: String, query: [QueryItem]) -> String {
        let encodedPath = endpoint.encodedPath(forKey: key)
        let signable = SigV4Request(method: method, host: endpoint.authority, encodedPath: encodedPath, query: query)
        guard let credentials = configuration.credentials else { return endpoint.url(encodedPath: encodedPath, query: query) }
        let signer = SigV4Signer(credentials: credentials, region: configuration.region)
        let signed = signer.presignedQuery(for: signable, expires: configuration.presignedURLExpiry, date: AMZDate(Date()))
        return endpoint.url(encodedPath: encodedPath, query: signed)
    }

    private func payloadHash(of body: HTTPRequestBody) throws -> String {
        switch body {
        case .empty:
            return SigV4Signer.emptyPayloadHash
        case .bytes(let bytes):
            return SHA256.hex(bytes)
        case .file(let path, let offset, let length):
            guard endpoint.scheme == "http" else { return SigV4Signer.unsignedPayload }
            return try SHA256.hexOfFile(path, offset: offset, length: length)
        }
    }
}
