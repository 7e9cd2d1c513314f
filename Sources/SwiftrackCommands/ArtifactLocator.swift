import Artifacts
import Foundation
import TrackingCore
import URLCoding

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
        guard !Self.climbs(uri) else {
            throw MLflowError.invalidParameter("Invalid artifact location '\(uri)': it holds a '..' segment")
        }
        return (try factory.repository(for: ServerOptions.resolvedArtifactRoot(uri)), "")
    }

    /// Whether `uri` has a `..` segment, as written or percent-decoded (a `file:` URI is decoded
    /// into its path). gc deletes a location only when it names the item's id, and
    /// `/srv/1/<run id>/../..` names the id yet resolves to `/srv`: no location of a run or model
    /// that MLflow or Swiftrack writes climbs, so one that does is not deleted.
    static func climbs(_ uri: String) -> Bool {
        var forms = [uri]
        for _ in 0..<10 {
            guard let last = forms.last else { break }
            let next = PercentDecoding.decode(last, plusIsSpace: false)
            if next == last { break }
            forms.append(next)
        }
        return forms.contains { PathSegments.climbs($0) }
    }

    /// The local directory `uri` names, if it is on local disk.
    func localDirectory(_ uri: String) -> String? {
        guard let (repository, path) = try? locate(uri), let local = repository as? LocalArtifactRepository else {
            return nil
        }
        return path.isEmpty ? local.root : ArtifactPath.join(local.root, path)
    }
}
