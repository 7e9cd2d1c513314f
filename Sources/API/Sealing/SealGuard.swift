import Artifacts
import Foundation
import HTTPTransport
import Storage
import TemporaryFiles
import TrackingCore

/// Keeps sealed versions' files as they were sealed, on the server's own paths: writes and deletes
/// that would touch them are refused, and a file sent from under a sealed location is first
/// checked against the manifest (a mismatch is refused and counted). Stores changed behind the
/// server's back are found this way, on read, or by `swiftrack models verify`; they are not prevented.
struct SealGuard: Sendable {
    /// nil: no registry, nothing is ever sealed.
    let registry: (any RegistryStore)?
    let artifacts: ArtifactService
    /// Called with the model name on each refused download (the Prometheus counter).
    var mismatchObserved: @Sendable (String) -> Void = { _ in }
    /// The bytes of checked copies held at once (one per process, shared by every route that sends files).
    var copies = SealedCopyBudget(limit: APIParts.defaultSealedCopyBytes)

    /// One form for every location: `mlflow-artifacts:` URIs (and proxy URLs) as paths in the
    /// proxy's destination, `file://` as plain paths, anything else as it is.
    static func key(_ location: String) -> String {
        if ProxiedArtifactURI.isProxied(location), let path = try? ProxiedArtifactURI.destinationPath(of: location) {
            return proxyKey(path)
        }
        if location.hasPrefix("file://") { return String(location.dropFirst("file://".count)) }
        return location
    }

    static func proxyKey(_ destinationPath: String) -> String { "mlflow-artifacts:/" + destinationPath }

    /// Refuses a write or delete at `location` (a `key`) that lies in a sealed version's artifacts or contains them.
    func refuseWrite(at location: String) throws {
        guard let registry else { return }
        let sealed = try registry.sealedLocations().map { ($0, Self.key($0.location)) }
        guard let hit = SealedArea.touching(location, sealed) else { return }
        if hit.beingSealed {
            throw MLflowError(.permissionDenied, "Version \(hit.version) of registered model '\(hit.name)' is being "
                              + "sealed: its artifacts cannot be written or deleted.")
        }
        throw MLflowError(.permissionDenied, "Version \(hit.version) of registered model '\(hit.name)' is sealed: its "
                          + "artifacts cannot be written or deleted until a holder of the governance role unseals it.")
    }

    /// The sealed version whose artifact root holds `location` (a `key`), and the path below that root.
    func sealedVersion(holding location: String) throws -> (seal: SealedLocation, relative: String)? {
        guard let registry else { return nil }
        for seal in try registry.sealedLocations() where !seal.beingSealed {
            let root = SealedArea.trimmed(Self.key(seal.location))
            if PathSegments.isWithin(location, directory: root) {
                return (seal, SealHasher.relative(location, base: root))
            }
        }
        return nil
    }

    /// Sends `relative` under an artifact root URI (a run's, a logged model's, a version's), checked
    /// as `download(_:repository:path:location:)` says.
    func download(_ request: HTTPRequest, root: String, relative: String) throws -> HTTPResponse {
        let (repository, path) = try artifacts.locate(root: root, relative: relative)
        return try download(request, repository: repository, path: path, location: Self.key(root: root, relative: relative))
    }

    /// The key of `relative` under the root URI `root`.
    static func key(root: String, relative: String) -> String {
        let base = SealedArea.trimmed(key(root))
        return relative.isEmpty ? base : (base.hasSuffix("/") ? base : base + "/") + relative
    }

    /// Sends `path` of `repository`; when it lies in a sealed version (`location` is its key), only
    /// after checking its bytes against the manifest, and then the very bytes checked (a copy, or the
    /// remote store's download).
    func download(_ request: HTTPRequest, repository: any ArtifactRepository, path: String,
                  location: String) throws -> HTTPResponse {
        guard let (sealed, relative) = try sealedVersion(holding: location) else {
            return try ArtifactDownload.response(for: request, repository: repository, path: path,
                                                 scratchDirectory: artifacts.scratchDirectory)
        }
        guard let registry, let seal = try registry.modelVersionSeal(name: sealed.name, version: sealed.version) else {
            throw MLflowError(.temporarilyUnavailable, "The seal of version \(sealed.version) of registered model "
                              + "'\(sealed.name)' could not be read; try again.")
        }
        guard let entry = seal.manifest.file(at: relative) else {
            // A path that holds no file is the plain 404 (and no alarm: anyone who may read can ask
            // for paths that do not exist); a file there that the seal does not list was added.
            guard try repository.holdsFile(at: path) else {
                return try ArtifactDownload.response(for: request, repository: repository, path: path,
                                                     scratchDirectory: artifacts.scratchDirectory)
            }
            mismatchObserved(seal.name)
            throw MLflowError(.resourceConflict, "'\(relative)' is not one of the sealed files of version \(seal.version) "
                              + "of registered model '\(seal.name)' (sealed \(seal.digest)); it was added after sealing "
                              + "and is not served.")
        }
        // Reserved before a byte is read; the checked copy's owner holds it until its response is over.
        let reservation = try copies.reserve(entry.size)
        let fetched = try repository.fetch(path, temporaryDirectory: artifacts.scratchDirectory)
        let checked: LocalArtifactFile
        let found: (size: Int64, sha256: String)
        if let download = fetched.temporary {
            download.hold(reservation)
            checked = fetched
            found = try ArtifactDigest.sha256(ofFile: fetched.path)
        } else {
            // Owned before the copy starts: a failed copy removes what it wrote.
            let copy = TemporaryFile(path: artifacts.scratchDirectory + "/.sealed-" + UUID().uuidString)
            copy.hold(reservation)
            found = try ArtifactDigest.copy(fetched.path, to: copy.path)
            checked = LocalArtifactFile(path: copy.path, size: found.size, temporary: copy)
        }
        // From here a thrown error drops `checked`, and its owner removes the copy.
        if let mismatch = SealVerification.compare(entry, found: SealManifest.File(path: relative, size: found.size,
                                                                                  sha256: found.sha256)) {
            mismatchObserved(seal.name)
            throw MLflowError(.resourceConflict, "Version \(seal.version) of registered model '\(seal.name)' is sealed "
                              + "(\(seal.digest)) and its file does not match the seal: \(mismatch). Not served.")
        }
        return ArtifactDownload.response(for: request, file: checked, name: PathSegments.last(path))
    }
}
