import Foundation
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
        let directory = location.blobName(for: path)
        let listPrefix = directory.isEmpty ? "" : directory + "/"
        let listing = try listBlobs(prefix: listPrefix, delimiter: "/")
        var entries: [ArtifactFileInfo] = []
        for blob in listing.blobs where blob.name != listPrefix {
            let name = S3ArtifactRepository.dropping(listPrefix, from: blob.name)
            entries.append(ArtifactFileInfo(path: ArtifactPath.join(path, name), isDirectory: false, fileSize: blob.size))
        }
        for prefix in listing.prefixes {
            let name = S3ArtifactRepository.dropping(listPrefix, from: prefix).split(separator: "/").joined(separator: "/")
            guard !name.isEmpty else { continue }
            entries.append(ArtifactFileInfo(path: ArtifactPath.join(path, name), isDirectory: true, fileSize: nil))
        }
        return entries.sorted { $0.path < $1.path }
    }

    public func fetch(_ path: String, temporaryDirectory: String) throws -> LocalArtifactFile {
        let blob = location.blobName(for: path)
        let temporary = ArtifactPath.join(temporaryDirectory, "azure-download-\(UUID().uuidString)")
        do {
            let response = try client.send("GET", blob: blob, destination: .file(path: temporary), operation: "GetBlob")
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
        let blob = location.blobName(for: path)
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
        names += try listBlobs(prefix: blob.isEmpty ? "" : blob + "/", delimiter: nil).blobs.map(\.name)
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
