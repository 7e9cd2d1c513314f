import Foundation
import OutboundHTTP
import TrackingCore

/// Artifacts in a GCS bucket under `gs://bucket/prefix`, over the JSON API: media downloads
/// streamed to disk, media uploads for small files and chunked resumable uploads for large ones.
public struct GCSArtifactRepository: ArtifactRepository {
    public let location: BucketLocation
    public let configuration: GCSConfiguration
    let client: GCSClient

    /// `uri` is `gs://bucket/prefix`; throws INVALID_PARAMETER_VALUE for anything else.
    public init(uri: String, configuration: GCSConfiguration) throws {
        let location = try BucketLocation(uri: uri, scheme: "gs")
        self.location = location
        self.configuration = configuration
        self.client = GCSClient(configuration: configuration, bucket: location.bucket)
    }

    public func list(_ path: String) throws -> [ArtifactFileInfo] {
        let listPrefix = ObjectListing.listPrefix(of: location.objectName(for: path))
        return try listObjects(prefix: listPrefix, delimiter: "/").entries(of: path, listPrefix: listPrefix)
    }

    public func fetch(_ path: String, temporaryDirectory: String) throws -> LocalArtifactFile {
        let name = location.objectName(for: path)
        return try ObjectDownload.intoTemporaryFile(artifactPath: path, temporaryDirectory: temporaryDirectory,
                                                    label: "gcs") { temporary in
            try client.send("GET", path: client.objectPath(name), query: [QueryItem("alt", "media")],
                            destination: .file(path: temporary), operation: "objects.get", object: name).bytesWrittenToFile
        }
    }

    public func store(localPath: String, as path: String) throws {
        guard let size = LocalFileReader.size(of: localPath) else {
            throw MLflowError.internalError("Cannot store artifact '\(path)': '\(localPath)' is not a readable file")
        }
        let name = location.objectName(for: path)
        try ArtifactPath.checkObjectKey(name)
        if size > configuration.simpleUploadLimit {
            try uploadResumable(localPath: localPath, size: size, name: name)
        } else {
            _ = try client.send("POST", path: client.uploadPath,
                                query: [QueryItem("uploadType", "media"), QueryItem("name", name)],
                                headers: [HTTPHeader("Content-Type", "application/octet-stream")],
                                body: .file(path: localPath, offset: 0, length: size), operation: "objects.insert", object: name)
        }
    }

    public func delete(_ path: String) throws {
        let name = location.objectName(for: path)
        var names: [String] = name.isEmpty ? [] : [name]
        names += try listObjects(prefix: name.isEmpty ? "" : name + "/", delimiter: nil).objects.map(\.name)
        for object in names {
            do {
                _ = try client.send("DELETE", path: client.objectPath(object), operation: "objects.delete", object: object)
            } catch let error as MLflowError where error.code == .resourceDoesNotExist {
                // The path itself is usually a directory, not an object; others may race us too.
                continue
            }
        }
    }
}
