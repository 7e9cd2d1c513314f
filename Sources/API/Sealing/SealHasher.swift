import Artifacts
import Foundation
import TrackingCore

/// Reads every file under an artifact root and hashes it (streamed, flat memory): what a seal's
/// manifest is built from and what `verify` compares it with.
struct SealHasher: Sendable {
    let artifacts: ArtifactService

    /// Every file under `root` now, with its size and SHA-256, paths relative to the root. A remote
    /// file is downloaded to the scratch directory, hashed and removed, one at a time. `proceed` is
    /// told each chunk hashed; answering false stops the walk (INVALID_STATE).
    func files(root: String, proceed: (Int) -> Bool = { _ in true }) throws -> [SealManifest.File] {
        let (repository, base) = try artifacts.locate(root: root, relative: "")
        var files: [SealManifest.File] = []
        let found = try repository.files(under: base)
        if found.isEmpty, !base.isEmpty, try repository.holdsFile(at: base) {
            // A seal's paths are relative to a folder: a file as the root would be sealed empty and
            // then refused as "added" when served.
            throw MLflowError(.invalidState, "The artifact location '\(root)' is a file, not a folder: only a folder "
                              + "of model files can be sealed.")
        }
        for entry in found {
            guard proceed(0) else { throw MLflowError(.invalidState, "Sealing was stopped.") }
            let relative = Self.relative(entry.path, base: base)
            let local = try repository.fetch(entry.path, temporaryDirectory: artifacts.scratchDirectory)
            // A download is removed by its owner, which must outlive the hashing of its path.
            let (size, sha256) = try withExtendedLifetime(local) {
                try ArtifactDigest.sha256(ofFile: local.path, proceed: proceed)
            }
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
