import TrackingCore

/// `s3://bucket/prefix`: the bucket and the key prefix (no leading or trailing `/`).
public struct S3Location: Sendable, Equatable {
    public var bucket: String
    public var prefix: String

    public init(bucket: String, prefix: String) {
        self.bucket = bucket
        self.prefix = prefix
    }

    public init(uri: String) throws(MLflowError) {
        guard uri.lowercased().hasPrefix("s3://") else { throw .invalidParameter("Not an S3 URI: '\(uri)'") }
        let rest = uri.dropFirst("s3://".count).prefix { $0 != "?" && $0 != "#" }
        let bucket = String(rest.prefix { $0 != "/" })
        guard !bucket.isEmpty else { throw .invalidParameter("S3 URI without a bucket: '\(uri)'") }
        self.bucket = bucket
        self.prefix = rest.dropFirst(bucket.count).split(separator: "/").joined(separator: "/")
    }

    /// The object key of an artifact path (relative to the prefix).
    public func key(for path: String) -> String {
        ArtifactPath.join(prefix, path)
    }
}
