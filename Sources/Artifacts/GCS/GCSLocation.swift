import TrackingCore

/// `gs://bucket/prefix`: the bucket and the object name prefix (no leading or trailing `/`).
public struct GCSLocation: Sendable, Equatable {
    public var bucket: String
    public var prefix: String

    public init(bucket: String, prefix: String) {
        self.bucket = bucket
        self.prefix = prefix
    }

    public init(uri: String) throws(MLflowError) {
        guard uri.lowercased().hasPrefix("gs://") else { throw .invalidParameter("Not a GCS URI: '\(uri)'") }
        let rest = uri.dropFirst("gs://".count).prefix { $0 != "?" && $0 != "#" }
        let bucket = String(rest.prefix { $0 != "/" })
        guard !bucket.isEmpty else { throw .invalidParameter("GCS URI without a bucket: '\(uri)'") }
        self.bucket = bucket
        self.prefix = rest.dropFirst(bucket.count).split(separator: "/").joined(separator: "/")
    }

    /// The object name of an artifact path (relative to the prefix).
    public func objectName(for path: String) -> String {
        ArtifactPath.join(prefix, path)
    }
}
