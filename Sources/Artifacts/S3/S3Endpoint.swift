import TrackingCore

/// Where requests for one bucket go: scheme and host, and whether the bucket sits in the path
/// (custom endpoints, bucket names with dots) or in the host name (AWS).
struct S3Endpoint: Sendable, Equatable {
    var scheme: String
    /// `host` or `host:port`, exactly as the `Host` header carries it.
    var authority: String
    /// Already encoded path prefix: "" for virtual-hosted, `/bucket` (after any endpoint path) for path-style.
    var basePath: String

    init(configuration: S3Configuration, bucket: String) throws(MLflowError) {
        if let endpoint = configuration.endpointURL {
            guard let schemeEnd = endpoint.range(of: "://") else {
                throw .invalidParameter("MLFLOW_S3_ENDPOINT_URL must start with http:// or https://: '\(endpoint)'")
            }
            scheme = endpoint[..<schemeEnd.lowerBound].lowercased()
            guard scheme == "http" || scheme == "https" else {
                throw .invalidParameter("MLFLOW_S3_ENDPOINT_URL must start with http:// or https://: '\(endpoint)'")
            }
            let rest = endpoint[schemeEnd.upperBound...]
            var host = String(rest.prefix { $0 != "/" })
            if (scheme == "http" && host.hasSuffix(":80")) || (scheme == "https" && host.hasSuffix(":443")) {
                host = String(host.prefix { $0 != ":" })
            }
            guard !host.isEmpty else { throw .invalidParameter("MLFLOW_S3_ENDPOINT_URL has no host: '\(endpoint)'") }
            authority = host
            let path = rest.dropFirst(host.count).split(separator: "/").joined(separator: "/")
            basePath = (path.isEmpty ? "" : "/" + path) + "/" + AWSURIEncoding.encode(bucket)
        } else if bucket.contains(".") {
            // A dotted bucket name breaks the TLS wildcard certificate of the virtual host.
            scheme = "https"
            authority = "s3.\(configuration.region).amazonaws.com"
            basePath = "/" + AWSURIEncoding.encode(bucket)
        } else {
            scheme = "https"
            authority = "\(bucket).s3.\(configuration.region).amazonaws.com"
            basePath = ""
        }
    }

    /// The encoded path of an object key ("" key: the bucket itself).
    func encodedPath(forKey key: String) -> String {
        let path = basePath + (key.isEmpty ? "" : "/" + AWSURIEncoding.encode(key, keepingSlash: true))
        return path.isEmpty ? "/" : path
    }

    func url(encodedPath: String, query: [QueryItem]) -> String {
        let queryText = AWSURIEncoding.canonicalQuery(query)
        return "\(scheme)://\(authority)\(encodedPath)" + (queryText.isEmpty ? "" : "?" + queryText)
    }
}
