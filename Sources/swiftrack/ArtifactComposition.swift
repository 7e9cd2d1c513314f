import API
import Artifacts
import Foundation

/// Builds the artifact side of the server from its options: the repository factory (every
/// supported scheme), the proxied destination and the staging directories.
enum ArtifactComposition {
    static func factory(environment: [String: String] = ProcessInfo.processInfo.environment) -> ArtifactRepositoryFactory {
        // Credentials and endpoints are read once, at start-up, from the usual AWS variables.
        let s3 = S3Configuration(environment: environment)
        return ArtifactRepositoryFactory(makers: [
            "s3": { uri in try S3ArtifactRepository(uri: uri, configuration: s3) },
        ])
    }

    static func service(_ options: ServerOptions) throws -> ArtifactService {
        let factory = factory()
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
