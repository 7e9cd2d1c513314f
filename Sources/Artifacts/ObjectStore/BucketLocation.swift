public import TrackingCore

/// `scheme://bucket/prefix` (S3, GCS): the bucket and the object name prefix (no leading or
/// trailing `/`).
public struct BucketLocation: Sendable, Equatable {
    public var bucket: String
    public var prefix: String

    public init(bucket: String, prefix: String) {
        self.bucket = bucket
        self.prefix = prefix
    }

    /// Parses `uri`, which must use `scheme` (`s3`, `gs`); a query or fragment is ignored.
    public init(uri: String, scheme: String) throws(MLflowError) {
        let service = scheme == "gs" ? "GCS" : scheme.uppercased()
        guard uri.lowercased().hasPrefix(scheme + "://") else {
            throw .invalidParameter("Not \(service == "S3" ? "an" : "a") \(service) URI: '\(uri)'")
        }
        let rest = uri.dropFirst(scheme.count + 3).prefix { $0 != "?" && $0 != "#" }
        let bucket = String(rest.prefix { $0 != "/" })
        guard !bucket.isEmpty else { throw .invalidParameter("\(service) URI without a bucket: '\(uri)'") }
        // The bucket becomes part of the request's host on AWS (`<bucket>.s3.<region>.amazonaws.com`):
        // only the characters bucket names are made of, so a stored URI cannot change where signed
        // requests go (no `@`, `:`, `%` or spaces), and never `.` or `..` alone.
        guard bucket.count <= 255, bucket != ".", bucket != "..",
              bucket.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }) else {
            throw .invalidParameter("Invalid \(service) bucket name in '\(uri)'")
        }
        self.bucket = bucket
        self.prefix = rest.dropFirst(bucket.count).split(separator: "/").joined(separator: "/")
    }

    /// The object name (key) of an artifact path, relative to the prefix.
    public func objectName(for path: String) -> String {
        ArtifactPath.join(prefix, path)
    }
}
