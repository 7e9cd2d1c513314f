import Artifacts
import Auth
import Foundation
import Storage
import TrackingCore

/// Builds seals (docs/REGISTRY.md, "Sealed versions"): when a move puts a version into a stage or
/// alias the promotion policy protects, every file under the version's artifact root is hashed
/// (streamed, flat memory) into a manifest before the move's write, which stores it only if the
/// version still has the source hashed. A seal that cannot be made stops the move.
struct ModelVersionSealer: Sendable {
    let registry: any RegistryStore
    let tracking: any TrackingStore
    let artifacts: ArtifactService
    /// The protected stages and aliases; nil (access control off: no governance) seals nothing.
    let policy: PromotionPolicy?

    func protects(_ target: TransitionRequest.Target) -> Bool {
        guard let policy else { return false }
        switch target {
        case .stage(let stage): return policy.protects(stage: stage.rawValue)
        case .alias(let alias): return policy.protects(alias: alias)
        }
    }

    /// What the move's write must do about the seal. `precheck` is the promotion policy, asked here
    /// first so that nobody without the right to promote makes the server read a whole model; the
    /// write asks it again on the version it locks.
    func requirement(for move: RegistryMove, approver: String?,
                     precheck: (RegistryMove) throws -> Void) throws -> SealRequirement {
        guard protects(move.target) else { return .none }
        try precheck(move)
        if try registry.modelVersionSeal(name: move.name, version: move.version) != nil { return .existing }
        do {
            return .new(try seal(name: move.name, version: move.version, approver: approver))
        } catch let error as MLflowError {
            throw MLflowError(error.code, "Version \(move.version) of registered model '\(move.name)' could not be sealed, "
                              + "so it was not moved to \(move.target.description): \(error.message)")
        }
    }

    /// After a move whose write stored a new seal: the seal's tags as MLflow's `model_version_tag.set`
    /// events, so a webhook receiver (a deployment system) learns the digest to check what it pulls.
    /// The seal is read back: if a concurrent move sealed the version first, that seal is the one. The
    /// move is made by then, so a failed read does not fail the request: the events are left out.
    func announce(_ requirement: SealRequirement, name: String, version: String, to events: RouteEvents) {
        guard case .new = requirement, let seal = try? registry.modelVersionSeal(name: name, version: version) else {
            return
        }
        for tag in seal.tags {
            events.emit(.modelVersionTagSet(name: seal.name, version: seal.version, key: tag.key, value: tag.value))
        }
    }

    /// A rollback cannot seal (its plan is made inside its write, where a model is not read): each
    /// version it would put into a protected stage or alias must be sealed already (it was, when it
    /// was promoted there before, unless it was unsealed since or promoted before seals existed).
    func requireSealed(name: String, plan: RegistryRollbackPlan) throws {
        for change in plan.changes {
            let version: String
            let target: TransitionRequest.Target
            switch change.kind {
            case .alias:
                guard let alias = change.alias else { continue }
                (version, target) = (change.restored, .alias(alias))
            case .stage:
                (version, target) = (change.version, .stage(try ModelStage.canonical(change.restored)))
            }
            guard protects(target) else { continue }
            guard try registry.modelVersionSeal(name: name, version: version) != nil else {
                throw MLflowError(.invalidState, "Rolling back would put version \(version) of registered model "
                                  + "'\(name)' into \(target.description), but it is not sealed: promote it directly or through a "
                                  + "transition request, which seals it.")
            }
        }
    }

    /// A direct move, as its write will see it: the version's creator read now (the write reads it again).
    func directMove(name: String, version: String, target: TransitionRequest.Target) throws -> RegistryMove {
        let found = try registry.getModelVersion(name: name, version: version)
        return RegistryMove(name: found.name, version: found.version, target: target, creator: found.userId)
    }

    func seal(name: String, version: String, approver: String?) throws -> ModelVersionSeal {
        let (source, root) = try ModelVersionArtifactRoot.of(name: name, version: version, registry: registry,
                                                             tracking: tracking)
        let manifest = try SealManifest(files: try currentFiles(root: root))
        return ModelVersionSeal(name: name, version: version, source: source, location: root, manifest: manifest,
                                digest: ArtifactDigest.sha256(ofText: manifest.canonicalText),
                                sealedTime: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)),
                                approver: approver)
    }

    /// Every file under the artifact root now, with its size and SHA-256, paths relative to the root.
    /// A remote file is downloaded to the scratch directory, hashed and removed, one at a time.
    func currentFiles(root: String) throws -> [SealManifest.File] {
        let (repository, base) = try artifacts.locate(root: root, relative: "")
        var files: [SealManifest.File] = []
        for entry in try repository.files(under: base) {
            let relative = Self.relative(entry.path, base: base)
            let local = try repository.fetch(entry.path, temporaryDirectory: artifacts.scratchDirectory)
            defer { if local.isTemporary { try? FileManager.default.removeItem(atPath: local.path) } }
            let (size, sha256) = try ArtifactDigest.sha256(ofFile: local.path)
            files.append(SealManifest.File(path: relative, size: size, sha256: sha256))
            if files.count > SealManifest.maxFiles { break }
        }
        return files
    }

    /// `path` without the leading `base/`.
    static func relative(_ path: String, base: String) -> String {
        guard !base.isEmpty, PathSegments.hasPrefix(path, base) else { return path }
        var rest = Substring(path).utf8.dropFirst(base.utf8.count)
        while rest.first == UInt8(ascii: "/") { rest = rest.dropFirst() }
        return String(decoding: rest, as: UTF8.self)
    }
}
