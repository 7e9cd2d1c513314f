public import Artifacts
import TrackingCore

/// How the server reaches artifacts: the proxied destination (`--serve-artifacts`), the
/// repositories behind run artifact URIs, and where uploads and remote downloads are staged.
public struct ArtifactService: Sendable {
    /// The proxy's destination; nil when artifacts are not served (`--no-serve-artifacts`).
    public var destination: (any ArtifactRepository)?
    public var factory: ArtifactRepositoryFactory
    /// Uploads are streamed into files here before they are stored.
    public var uploadDirectory: String
    /// Remote artifacts are downloaded here before they are sent.
    public var scratchDirectory: String
    public var maxUploadBytes: Int64

    public init(destination: (any ArtifactRepository)?, factory: ArtifactRepositoryFactory = ArtifactRepositoryFactory(),
                uploadDirectory: String, scratchDirectory: String, maxUploadBytes: Int64 = 1 << 40) {
        self.destination = destination
        self.factory = factory
        self.uploadDirectory = uploadDirectory
        self.scratchDirectory = scratchDirectory
        self.maxUploadBytes = maxUploadBytes
    }

    /// No proxy; run artifacts on local disk only (unit tests).
    public static let localOnly = ArtifactService(destination: nil, uploadDirectory: "/tmp", scratchDirectory: "/tmp")

    /// The proxy destination, or MLflow's 503 when artifacts are not served.
    func requireDestination() throws -> any ArtifactRepository {
        guard let destination else {
            throw MLflowError(.temporarilyUnavailable, "Endpoint disabled due to the mlflow server running with "
                + "`--no-serve-artifacts`. To enable artifacts server functionality, run `mlflow server` with "
                + "`--serve-artifacts`")
        }
        return destination
    }

    /// The repository and path inside it of `relative` under an artifact root URI (a run's or a
    /// logged model's): a proxied root resolves into the destination.
    func locate(root: String, relative: String) throws -> (repository: any ArtifactRepository, path: String) {
        if ProxiedArtifactURI.isProxied(root) {
            return (try requireDestination(), ArtifactPath.join(try ProxiedArtifactURI.destinationPath(of: root), relative))
        }
        return (try factory.repository(for: root), relative)
    }
}
