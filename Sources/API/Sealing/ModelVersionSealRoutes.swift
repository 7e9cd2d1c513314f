import Artifacts
import HTTPTransport
import JSON
import Storage
import TrackingCore

/// Swiftrack's routes for sealed versions (docs/REGISTRY.md, "Sealed versions"): read a seal,
/// verify sealed versions against their store now, and unseal (governance role).
struct ModelVersionSealRoutes {
    let registry: any RegistryStore
    let sealer: ModelVersionSealer

    var routes: [Route] {
        [
            Route("GET", "/swiftrack/model-versions/seal", access: .registeredModel(.read), get),
            Route("GET", "/swiftrack/model-versions/verify", access: .registeredModel(.read), verify),
            Route("POST", "/swiftrack/model-versions/unseal", access: .registeredModel(.update), unseal),
        ]
    }

    /// `?name=N&version=V` → `{"seal": {...}}` with the manifest; a version that is not sealed is 404.
    func get(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let version = try fields.version()
        guard let seal = try registry.modelVersionSeal(name: name, version: version) else {
            _ = try registry.getModelVersion(name: name, version: version)
            if let job = try registry.sealingJob(name: name, version: version) {
                throw MLflowError.notFound("Version \(version) of registered model '\(name)' is not sealed: "
                                           + (job.failure.map { "sealing it failed: \($0.message)" }
                                              ?? "it is being sealed (\(job.bytesRead) bytes read)."))
            }
            throw MLflowError.notFound("Version \(version) of registered model '\(name)' is not sealed.")
        }
        return jsonResponse(.object([("seal", seal.json(withFiles: true))]))
    }

    /// `?name=N[&version=V]` → `{"versions": [{..., "ok": Bool, "mismatches": [...]}]}`: every file of
    /// each sealed version (or of V, which must be sealed) read from its store and hashed now.
    func verify(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let seals: [ModelVersionSeal]
        if let version = try fields.string("version"), !version.isEmpty {
            guard let seal = try registry.modelVersionSeal(name: name, version: version) else {
                _ = try registry.getModelVersion(name: name, version: version)
                throw MLflowError(.invalidState, "Version \(version) of registered model '\(name)' is not sealed: "
                                  + "there is nothing to verify it against.")
            }
            seals = [seal]
        } else {
            seals = try registry.modelVersionSeals(name: name)
        }
        // Each verification reads whole models: a few at a time per process.
        let places = sealer.worker.verifications
        guard places.take() else {
            throw RetryLater(error: MLflowError(.temporarilyUnavailable, "The server is verifying \(places.limit) "
                                                + "sealed versions' files already; try again."), seconds: 5)
        }
        defer { places.give() }
        let results = try seals.map { seal -> JSONValue in
            let mismatches = SealVerification.compare(seal.manifest, found: try sealer.hasher.files(root: seal.location))
            let manifestIntact = ArtifactDigestCheck.matches(seal)
            return .object(seal.members(withFiles: false) + [
                ("ok", .bool(mismatches.isEmpty && manifestIntact)),
                ("manifest_matches_digest", .bool(manifestIntact)),
                ("mismatches", .array(mismatches.map { mismatch in
                    .object([("path", .string(mismatch.path)), ("kind", .string(mismatch.kind)),
                             ("detail", .string(mismatch.description))])
                })),
            ])
        }
        return jsonResponse(.object([("versions", .array(results))]))
    }

    /// `{"name": N, "version": V}` → `{"seal": {...}}`, the seal removed, or `{"sealing_cancelled":
    /// true}` when the version was being sealed. Needs the governance role (with access control on);
    /// the request's audit record names who unsealed what.
    func unseal(_ request: RouteRequest) throws -> HTTPResponse {
        let fields = try request.fields()
        let name = try fields.registeredModelName()
        let version = try fields.version()
        try request.requireGovernance("unsealing version \(version) of '\(name)'")
        guard let seal = try registry.unsealModelVersion(name: name, version: version, approve: request.approveUnseal) else {
            return jsonResponse(.object([("sealing_cancelled", .bool(true))]))
        }
        for tag in seal.tags {
            request.events.emit(.modelVersionTagDeleted(name: seal.name, version: seal.version, key: tag.key))
        }
        return jsonResponse(.object([("seal", seal.json(withFiles: false))]))
    }
}

/// Whether a stored seal's digest is still the SHA-256 of its manifest (a manifest edited in the
/// database without its digest is found by `verify`).
enum ArtifactDigestCheck {
    static func matches(_ seal: ModelVersionSeal) -> Bool {
        PathSegments.same(ArtifactDigest.sha256(ofText: seal.manifest.canonicalText), seal.digest)
    }
}

extension ModelVersionSeal {
    func json(withFiles: Bool) -> JSONValue { .object(members(withFiles: withFiles)) }

    func members(withFiles: Bool) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [
            ("name", .string(name)), ("version", .string(version)), ("digest", .string(digest)),
            ("sealed_time", .integer(sealedTime)), ("location", .string(location)), ("source", .string(source)),
            ("file_count", .integer(Int64(manifest.files.count))), ("total_bytes", .integer(manifest.totalBytes)),
        ]
        if let approver { members.append(("approver", .string(approver))) }
        if withFiles {
            members.append(("files", .array(manifest.files.map { file in
                .object([("path", .string(file.path)), ("size", .integer(file.size)), ("sha256", .string(file.sha256))])
            })))
            members.append(("manifest", .string(manifest.canonicalText)))
        }
        return members
    }
}
