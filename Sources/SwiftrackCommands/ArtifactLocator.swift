import Artifacts
import Foundation
import TrackingCore

/// Where a stored artifact URI (a run's or a logged model's root) lives for commands that work
/// without a server: `mlflow-artifacts:` URIs resolve into the artifacts destination, as the
/// server's proxy does; every other URI opens its own repository.
struct ArtifactLocator {
    let factory: ArtifactRepositoryFactory
    /// The proxy's destination URI, made absolute when it is a local path.
    let destination: String

    init(factory: ArtifactRepositoryFactory, artifactsDestination: String) {
        self.factory = factory
        self.destination = ServerOptions.resolvedArtifactRoot(artifactsDestination)
    }

    /// The repository holding `uri` and the path of `uri` inside it ("" is the repository's root).
    func locate(_ uri: String) throws -> (repository: any ArtifactRepository, path: String) {
        if ProxiedArtifactURI.isProxied(uri) {
            return (try factory.repository(for: destination), try ProxiedArtifactURI.destinationPath(of: uri))
        }
        guard !uri.isEmpty else { throw MLflowError.invalidParameter("No artifact location is recorded") }
        return (try factory.repository(for: ServerOptions.resolvedArtifactRoot(uri)), "")
    }

    /// The local directory `uri` names, if it is on local disk.
    func localDirectory(_ uri: String) -> String? {
        guard let (repository, path) = try? locate(uri), let local = repository as? LocalArtifactRepository else {
            return nil
        }
        return path.isEmpty ? local.root : ArtifactPath.join(local.root, path)
    }
}
