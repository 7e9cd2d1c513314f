import Foundation
import OutboundHTTP
import TrackingCore

/// Artifacts in an Azure Blob Storage container under `wasbs://container@account.blob.core.windows.net/prefix`
/// (or its `https://` URL), with Shared Key or SAS authorisation and block uploads for large files.
public struct AzureBlobArtifactRepository: MultipartArtifactRepository {
    public let location: AzureBlobLocation
    public let configuration: AzureConfiguration
    let client: AzureBlobClient

    /// Throws INVALID_PARAMETER_VALUE for a URI that is not an Azure Blob location.
    public init(uri: String, configuration: AzureConfiguration) throws {
        let location = try AzureBlobLocation(uri: uri)
        self.location = location
        self.configuration = configuration
        self.client = try AzureBlobClient(configuration: configuration, location: location)
    }

    public func list(_ path: String) throws -> [ArtifactFileInfo] {
        let listPrefix = ObjectListing.listPrefix(of: location.blobName(for: path))
        return try listBlobs(prefix: listPrefix, delimiter: "/").entries(of: path, listPrefix: listPrefix)
    }

    public func fetch(_ path: String, temporaryDirectory: String) throws -> LocalArtifactFile {
        let blob = location.blobName(for: path)
        return try ObjectDownload.intoTemporaryFile(artifactPath: path, temporaryDirectory: temporaryDirectory,
                                                    label: "azure") { temporary in
            try client.send("GET", blob: blob, destination: .file(path: temporary), operation: "GetBlob").bytesWrittenToFile
        }
    }

    public func store(localPath: String, as path: String) throws {
        guard let size = LocalFileReader.size(of: localPath) else {
            throw MLflowError.internalError("Cannot store artifact '\(path)': '\(localPath)' is not a readable file")
        }
        let blob = location.blobName(for: path)
        try ArtifactPath.checkObjectKey(blob)
        if size > configuration.singleUploadLimit {
            try uploadInBlocks(localPath: localPath, size: size, blob: blob)
        } else {
            _ = try client.send("PUT", blob: blob, headers: [HTTPHeader("x-ms-blob-type", "BlockBlob")],
                                body: .file(path: localPath, offset: 0, length: size), operation: "PutBlob")
        }
    }

    public func delete(_ path: String) throws {
        let blob = location.blobName(for: path)
        var names: [String] = blob.isEmpty ? [] : [blob]
        names += try listBlobs(prefix: blob.isEmpty ? "" : blob + "/", delimiter: nil).objects.map(\.name)
        for name in names {
            do {
                _ = try client.send("DELETE", blob: name, operation: "DeleteBlob")
            } catch let error as MLflowError where error.code == .resourceDoesNotExist {
                // The path itself is usually a directory, not a blob; others may race us too.
                continue
            }
        }
    }
}
