import Foundation
import OutboundHTTP
import TrackingCore
import URLCoding

/// Authorised Blob REST calls for one container: builds the URL, adds `x-ms-date` and
/// `x-ms-version`, signs with Shared Key or appends the SAS, sends, and maps errors.
struct AzureBlobClient: Sendable {
    let configuration: AzureConfiguration
    let location: AzureBlobLocation
    let endpoint: AzureBlobEndpoint
    let http = HTTPClient()

    init(configuration: AzureConfiguration, location: AzureBlobLocation) throws(MLflowError) {
        self.configuration = configuration
        self.location = location
        self.endpoint = try AzureBlobEndpoint(configuration: configuration, location: location)
        if case .sharedKey(let account?, _) = configuration.credentials, account != location.account {
            throw .invalidParameter("The Azure account key is for '\(account)', but the artifact URI names account '\(location.account)'")
        }
        try Self.checkAccount(configuration: configuration, location: location)
    }

    /// Credentials are used only for the account they belong to: a URI naming another account
    /// (even on Microsoft's own hosts) is refused before anything is signed. A SAS token carries no
    /// account name, so without a configured account or endpoint it is not sent anywhere.
    static func checkAccount(configuration: AzureConfiguration, location: AzureBlobLocation) throws(MLflowError) {
        if case .anonymous = configuration.credentials { return }
        if let account = configuration.credentialAccount {
            guard account == location.account else {
                throw .invalidParameter("The Azure credentials are for account '\(account)', but the artifact URI "
                    + "names account '\(location.account)'")
            }
        } else if case .sharedAccessSignature = configuration.credentials, configuration.blobEndpoint == nil {
            throw .invalidParameter("An Azure SAS token is used only for its own account: set AZURE_STORAGE_ACCOUNT "
                + "(or the connection string's AccountName or BlobEndpoint)")
        }
    }

    /// One call; `blob` nil addresses the container itself.
    func send(_ method: String, blob: String?, query: [QueryItem] = [], headers: [HTTPHeader] = [],
              body: HTTPRequestBody = .empty, destination: HTTPResponseDestination = .memory,
              operation: String) throws -> HTTPClientResponse {
        let encodedPath = endpoint.encodedPath(blob: blob)
        var headers = headers + [HTTPHeader("x-ms-date", AzureDate.rfc1123(Date())),
                                 HTTPHeader("x-ms-version", AzureConfiguration.apiVersion)]
        var query = query
        switch configuration.credentials {
        case .anonymous:
            break
        case .sharedAccessSignature(let token):
            query += Self.queryItems(ofSAS: token)
        case .sharedKey(_, let key):
            // libcurl sends the Content-Length itself; it is signed all the same.
            let signed = headers + [HTTPHeader("Content-Length", String(try Self.length(of: body)))]
            let signer = AzureSharedKeySigner(account: location.account, key: key)
            headers.append(HTTPHeader("Authorization", signer.authorization(method: method, encodedPath: encodedPath,
                                                                             query: query, headers: signed)))
        }
        let request = HTTPClientRequest(method: method, url: endpoint.url(encodedPath: encodedPath, query: query),
                                        headers: headers, body: body, destination: destination,
                                        connectTimeout: configuration.connectTimeout, stallTimeout: configuration.stallTimeout)
        let response = try http.send(request)
        guard response.isSuccess else { throw AzureErrorMapping.error(for: response, operation: operation, blob: blob ?? "") }
        return response
    }

    /// A URL that lets its holder make calls on `blob` until it expires: a service SAS with
    /// `permissions` under Shared Key, the configured SAS otherwise.
    func presignedURL(blob: String, query: [QueryItem], permissions: String) -> String {
        var query = query
        switch configuration.credentials {
        case .anonymous:
            break
        case .sharedAccessSignature(let token):
            query += Self.queryItems(ofSAS: token)
        case .sharedKey(_, let key):
            let expiry = Date().addingTimeInterval(TimeInterval(configuration.presignedURLExpiry))
            query += AzureBlobSAS(account: location.account, key: key)
                .queryItems(container: location.container, blob: blob, permissions: permissions, expiry: expiry)
        }
        return endpoint.url(encodedPath: endpoint.encodedPath(blob: blob), query: query)
    }

    /// The decoded parameters of SAS query text (they are encoded again when the URL is built).
    /// `+` stays a plus: a pasted token may carry its base64 signature unencoded.
    static func queryItems(ofSAS token: String) -> [QueryItem] {
        token.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return QueryItem(PercentDecoding.decode(String(parts[0]), plusIsSpace: false),
                             parts.count > 1 ? PercentDecoding.decode(String(parts[1]), plusIsSpace: false) : "")
        }
    }

    static func length(of body: HTTPRequestBody) throws -> Int64 {
        switch body {
        case .empty: return 0
        case .bytes(let bytes): return Int64(bytes.count)
        case .file(let path, let offset, let length):
            guard let size = LocalFileReader.size(of: path) else { throw MLflowError.internalError("Cannot read '\(path)'") }
            return min(length ?? (size - offset), size - offset)
        }
    }
}
