import API
import Artifacts
import Foundation
import TrackingCore

/// Builds the artifact side of the server from its options: the repository factory (every
/// supported scheme), the proxied destination and the staging directories.
enum ArtifactComposition {
    static func factory(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> ArtifactRepositoryFactory {
        // Credentials and endpoints are read once, at start-up, from each store's usual variables.
        var s3Configuration = S3Configuration(environment: environment)
        // Encryption that cannot be honoured stops the server: uploads never go out unencrypted by mistake.
        do {
            s3Configuration.serverSideEncryption = try S3ServerSideEncryption.from(environment: environment)
        } catch let error as MLflowError {
            throw UsageError(error.message)
        }
        let s3 = s3Configuration
        // One GCS configuration: its repositories share one access-token cache.
        let gcs = GCSConfiguration(environment: environment)
        // A malformed Azure connection string or key fails the Azure URIs only, when one is used.
        let azure = Result { () throws(MLflowError) in try AzureConfiguration(environment: environment) }
        return ArtifactRepositoryFactory(makers: [
            "s3": { uri in try S3ArtifactRepository(uri: uri, configuration: s3) },
            "gs": { uri in try GCSArtifactRepository(uri: uri, configuration: gcs) },
            "wasbs": { uri in try AzureBlobArtifactRepository(uri: uri, configuration: azure.get()) },
            // Plain https is an artifact root only when it is an Azure Blob URL.
            "https": { uri in
                guard isAzureBlobURL(uri) else {
                    throw MLflowError.invalidParameter("Unsupported artifact location '\(uri)': "
                        + "use a local path, file://, or a configured object store URI")
                }
                return try AzureBlobArtifactRepository(uri: uri, configuration: azure.get())
            },
        ])
    }

    /// `https://<account>.blob.core.windows.net/...` (and the sovereign clouds' blob hosts).
    static func isAzureBlobURL(_ uri: String) -> Bool {
        let host = uri.dropFirst("https://".count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return uri.lowercased().hasPrefix("https://") && AzureBlobLocation.isBlobHost(String(host))
    }

    static func service(_ options: ServerOptions) throws -> ArtifactService {
        let factory = try factory()
        let destinationURI = ServerOptions.resolvedArtifactRoot(options.artifactsDestination)
        let destination: (any ArtifactRepository)? = options.serveArtifacts ? try factory.repository(for: destinationURI) : nil
        // Uploads are staged beside a local destination, so storing them is a rename on the same disk.
        let staging: String
        if let local = destination as? LocalArtifactRepository {
            staging = (local.root as NSString).deletingLastPathComponent + "/.swiftrack-staging"
        } else {
            staging = NSTemporaryDirectory() + "swiftrack-staging"
        }
        for directory in [staging] + ((destination as? LocalArtifactRepository).map { [$0.root] } ?? []) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        return ArtifactService(destination: destination, factory: factory, uploadDirectory: staging,
                               scratchDirectory: staging)
    }
}
