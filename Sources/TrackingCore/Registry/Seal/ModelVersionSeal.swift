/// A model version's seal: the manifest of its artifacts when it was promoted into a protected
/// stage or alias, the digest over the manifest, when and by whom. While a version is sealed its
/// files may not be written through the server, and what the server sends of them is checked
/// against the manifest first (docs/REGISTRY.md, "Sealed versions").
public struct ModelVersionSeal: Sendable, Equatable {
    public var name: String
    public var version: String
    /// The version's source as it was when sealed; the seal is written only if it still is.
    public var source: String
    /// The artifact root the manifest's paths are relative to (the version's download URI, a
    /// `runs:/` source resolved to its run's artifacts).
    public var location: String
    public var manifest: SealManifest
    /// SHA-256 (hex) of `manifest.canonicalText`.
    public var digest: String
    public var sealedTime: Int64
    /// Who made the move that sealed it (nil without access control).
    public var approver: String?

    public init(name: String, version: String, source: String, location: String, manifest: SealManifest,
                digest: String, sealedTime: Int64, approver: String?) {
        self.name = name
        self.version = version
        self.source = source
        self.location = location
        self.manifest = manifest
        self.digest = digest
        self.sealedTime = sealedTime
        self.approver = approver
    }

    /// The tags the server keeps on a sealed version, shown by every client as tags.
    public static let digestTag = "swiftrack.seal.digest"
    public static let timeTag = "swiftrack.seal.time"
    public static let approverTag = "swiftrack.seal.approver"
    /// Tags under this prefix are the server's: clients may neither set nor delete them.
    public static let tagPrefix = "swiftrack.seal."

    public var tags: [Tag] {
        [Tag(key: Self.digestTag, value: digest), Tag(key: Self.timeTag, value: String(sealedTime)),
         Tag(key: Self.approverTag, value: approver ?? "")]
    }

    /// Refuses a client's tag under the server's prefix (set, delete, or at creation).
    public static func refuseClientTag(_ key: String) throws {
        guard !key.lowercased().hasPrefix(tagPrefix) else {
            throw MLflowError.invalidParameter("Tag '\(key)' is kept by the server for sealed versions and cannot be set "
                                               + "or deleted by a client.")
        }
    }
}

/// A sealed version and where its artifacts are, without the manifest (what write checks read).
public struct SealedLocation: Sendable, Equatable {
    public var name: String
    public var version: String
    public var location: String
    /// A version being sealed (a job hashing its files): written to as little as a sealed one, but
    /// with no manifest to check reads against yet.
    public var beingSealed: Bool

    public init(name: String, version: String, location: String, beingSealed: Bool = false) {
        self.name = name
        self.version = version
        self.location = location
        self.beingSealed = beingSealed
    }
}

/// What a move into a stage or alias asks of the seal, decided before the write (a sealing job
/// hashes the model first) and checked inside it.
public enum SealRequirement: Sendable, Equatable {
    /// The target is not protected.
    case none
    /// The version is sealed: it must still be when the move is made.
    case existing
}
