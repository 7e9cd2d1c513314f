import TrackingCore

/// Where requests for one container go: scheme, authority and any base path (an emulator's
/// `/devstoreaccount1`), and the encoded paths of the container and its blobs.
struct AzureBlobEndpoint: Sendable, Equatable {
    var scheme: String
    var authority: String
    /// Already encoded: "" for the service itself, `/account` for an Azurite-style endpoint.
    var basePath: String
    let container: String

    init(configuration: AzureConfiguration, location: AzureBlobLocation) throws(MLflowError) {
        container = location.container
        guard let endpoint = configuration.blobEndpoint else {
            // The host comes from a stored URI, which anyone who may create an experiment or a model
            // version writes: only Microsoft's own endpoints may receive a signature or a SAS token.
            guard AzureBlobLocation.isBlobHost(location.host) else { throw Self.untrusted(location.host) }
            scheme = "https"
            authority = location.host
            basePath = ""
            return
        }
        guard let schemeEnd = endpoint.range(of: "://") else {
            throw .invalidParameter("The Azure blob endpoint must start with http:// or https://: '\(endpoint)'")
        }
        scheme = endpoint[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw .invalidParameter("The Azure blob endpoint must start with http:// or https://: '\(endpoint)'")
        }
        let rest = endpoint[schemeEnd.upperBound...]
        authority = String(rest.prefix { $0 != "/" })
        guard !authority.isEmpty else { throw .invalidParameter("The Azure blob endpoint has no host: '\(endpoint)'") }
        let path = rest.dropFirst(authority.count).split(separator: "/").joined(separator: "/")
        basePath = path.isEmpty ? "" : "/" + path
        // Requests go to the configured endpoint whatever the URI says; a URI naming some other
        // host was meant for another place and is refused rather than quietly redirected.
        let endpointHost = authority.lowercased().split(separator: ":").first.map(String.init) ?? ""
        guard AzureBlobLocation.isBlobHost(location.host) || location.host == endpointHost else {
            throw Self.untrusted(location.host)
        }
    }

    static func untrusted(_ host: String) -> MLflowError {
        .invalidParameter("Azure Blob host '\(host)' is not an Azure Storage endpoint (<account>.blob."
            + AzureBlobLocation.microsoftSuffixes.sorted().joined(separator: ", ")
            + ") nor the configured blob endpoint")
    }

    /// `/container` or `/container/blob/name` (slashes kept, everything else percent-encoded).
    func encodedPath(blob: String?) -> String {
        var path = basePath + "/" + AWSURIEncoding.encode(container)
        if let blob { path += "/" + AWSURIEncoding.encode(blob, keepingSlash: true) }
        return path
    }

    func url(encodedPath: String, query: [QueryItem]) -> String {
        let queryText = AWSURIEncoding.canonicalQuery(query)
        return "\(scheme)://\(authority)\(encodedPath)" + (queryText.isEmpty ? "" : "?" + queryText)
    }
}
