import Foundation
import TrackingCore

/// Artifacts in an S3 bucket (or an S3-compatible store) under `s3://bucket/prefix`, with
/// SigV4-signed requests and multipart uploads for large files.
public struct S3ArtifactRepository: MultipartArtifactRepository {
    public let location: S3Location
    public let configuration: S3Configuration
    let client: S3Client

    /// `uri` is `s3://bucket/prefix`; throws INVALID_PARAMETER_VALUE for anything else.
    public init(uri: String, configuration: S3Configuration) throws {
        let location = try S3Location(uri: uri)
        self.location = location
        self.configuration = configuration
        self.client = try S3Client(configuration: configuration, bucket: location.bucket)
    }

    public func list(_ path: String) throws -> [ArtifactFileInfo] {
        let directoryKey = location.key(for: path)
        let listPrefix = directoryKey.isEmpty ? "" : directoryKey + "/"
        let listing = try listObjects(prefix: listPrefix, delimiter: "/")
        var entries: [ArtifactFileInfo] = []
        for object in listing.objects where object.key != listPrefix {
            let name = Self.dropping(listPrefix, from: object.key)
            entries.append(ArtifactFileInfo(path: ArtifactPath.join(path, name), isDirectory: false, fileSize: object.size))
        }
        for commonPrefix in listing.commonPrefixes {
            let name = Self.dropping(listPrefix, from: commonPrefix).split(separator: "/").joined(separator: "/")
            guard !name.isEmpty else { continue }
            entries.append(ArtifactFileInfo(path: ArtifactPath.join(path, name), isDirectory: true, fileSize: nil))
        }
        return entries.sorted { $0.path < $1.path }
    }

    /// `key` without `prefix`, counted in UTF-8 bytes as S3 compares keys (not in Characters,
    /// which a combining mark after the `/` would merge).
    static func dropping(_ prefix: String, from key: String) -> String {
        String(decoding: key.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
    }

    public func fetch(_ path: String, temporaryDirectory: String) throws -> LocalArtifactFile {
        let key = location.key(for: path)
        let temporary = ArtifactPath.join(temporaryDirectory, "s3-download-\(UUID().uuidString)")
        do {
            let response = try client.send("GET", key: key, destination: .file(path: temporary), operation: "GetObject")
            return LocalArtifactFile(path: temporary, size: response.bytesWrittenToFile, isTemporary: true)
        } catch let error as MLflowError {
            try? FileManager.default.removeItem(atPath: temporary)
            if error.code == .resourceDoesNotExist {
                throw MLflowError.notFound("No such file or directory: '\(path)' (\(error.message))")
            }
            throw error
        }
    }

    public func store(localPath: String, as path: String) throws {
        guard let size = LocalFileReader.size(of: localPath) else {
            throw MLflowError.internalError("Cannot store artifact '\(path)': '\(localPath)' is not a readable file")
        }
        let key = location.key(for: path)
        if size > configuration.multipartThreshold {
            try uploadInParts(localPath: localPath, size: size, key: key)
        } else {
            _ = try client.send("PUT", key: key, body: .file(path: localPath, offset: 0, length: size), operation: "PutObject")
        }
    }

    public func delete(_ path: String) throws {
        let key = location.key(for: path)
        var keys: [String] = key.isEmpty ? [] : [key]
        keys += try listObjects(prefix: key.isEmpty ? "" : key + "/", delimiter: nil).objects.map(\.key)
        try deleteObjects(keys)
    }
}
