import Foundation
import TrackingCore

/// Artifacts in an S3 bucket (or an S3-compatible store) under `s3://bucket/prefix`, with
/// SigV4-signed requests and multipart uploads for large files.
public struct S3ArtifactRepository: MultipartArtifactRepository {
    public let location: BucketLocation
    public let configuration: S3Configuration
    let client: S3Client

    /// `uri` is `s3://bucket/prefix`; throws INVALID_PARAMETER_VALUE for anything else.
    public init(uri: String, configuration: S3Configuration) throws {
        let location = try BucketLocation(uri: uri, scheme: "s3")
        self.location = location
        self.configuration = configuration
        self.client = try S3Client(configuration: configuration, bucket: location.bucket)
    }

    public func list(_ path: String) throws -> [ArtifactFileInfo] {
        let listPrefix = ObjectListing.listPrefix(of: location.objectName(for: path))
        return try listObjects(prefix: listPrefix, delimiter: "/").entries(of: path, listPrefix: listPrefix)
    }

    public func fetch(_ path: String, temporaryDirectory: String) throws -> LocalArtifactFile {
        let key = location.objectName(for: path)
        return try ObjectDownload.intoTemporaryFile(artifactPath: path, temporaryDirectory: temporaryDirectory,
                                                    label: "s3") { temporary in
            try client.send("GET", key: key, destination: .file(path: temporary), operation: "GetObject").bytesWrittenToFile
        }
    }

    public func store(localPath: String, as path: String) throws {
        guard let size = LocalFileReader.size(of: localPath) else {
            throw MLflowError.internalError("Cannot store artifact '\(path)': '\(localPath)' is not a readable file")
        }
        let key = location.objectName(for: path)
        try ArtifactPath.checkObjectKey(key)
        if size > configuration.multipartThreshold {
            try uploadInParts(localPath: localPath, size: size, key: key)
        } else {
            _ = try client.send("PUT", key: key, headers: configuration.serverSideEncryption?.headers ?? [],
                                body: .file(path: localPath, offset: 0, length: size), operation: "PutObject")
        }
    }

    public func delete(_ path: String) throws {
        let key = location.objectName(for: path)
        var keys: [String] = key.isEmpty ? [] : [key]
        keys += try listObjects(prefix: key.isEmpty ? "" : key + "/", delimiter: nil).objects.map(\.name)
        try deleteObjects(keys)
    }
}
