import Artifacts
import Auth
import HTTPTransport
import TrackingCore

extension AccessControl {
    /// The artifact proxy (`/api/2.0/mlflow-artifacts/...`): the path the request acts on (read once
    /// by `ArtifactProxyRequest`, already free of `.` and `..` segments) belongs to the experiment that
    /// owns it (`artifactOwners`), whose permission decides: reading for GET and listings, EDIT for
    /// uploads and multipart uploads, MANAGE for deletes. A path no experiment owns is refused to
    /// everyone but admins, with the same words as an owner the caller may not read; a lookup that
    /// fails is 503.
    @discardableResult
    func authorizeArtifact(_ user: AuthUser, _ proxied: ArtifactProxyRequest) throws -> [String] {
        if user.isAdmin {
            // Admins pass; the owners are looked up for the audit record only, which goes without
            // them should the lookup fail.
            do { return try artifactOwners(of: proxied.path) } catch { return [] }
        }
        let need: Permission.Need
        switch proxied.action {
        case .list, .download: need = .read
        case .upload, .multipart: need = .update
        case .delete: need = .manage
        }
        guard !PathSegments.climbs(proxied.path, orDot: true) else {
            throw Self.denied("artifact paths may not contain '.' or '..' segments.")
        }
        return try failingClosed {
            let unseen = Self.denied("there are no artifacts at '\(proxied.path)' you may see.")
            let owners = try artifactOwners(of: proxied.path)
            guard !owners.isEmpty else { throw unseen }
            // Locations that coincide (stored before creation checked them) make every owner decide.
            for owner in owners {
                let level = try permission(user, .experiment, owner)
                guard level.canRead else { throw unseen }
                guard level.allows(need) else {
                    throw Self.denied("\(Self.verb(need)) the artifacts of experiment \(owner) needs "
                                      + "\(Self.minimum(need)) permission; \(user.username) has \(level.rawValue).")
                }
            }
            return owners
        }
    }

    /// The experiments that own `path` in the proxied destination: those whose artifact location,
    /// resolved as the proxy resolves it (`ProxiedArtifactURI`), is the path itself or its longest
    /// prefix ending at a `/` (runs and logged models live under their experiment's location, and a
    /// location inside another's makes the inner experiment the owner of its part). More than one
    /// only when locations coincide. A location naming the destination's root owns nothing.
    func artifactOwners(of path: String) throws -> [String] {
        var owners: [String] = []
        var longest = 0
        for candidate in try proxiedLocations(near: path) {
            let resolved = candidate.path
            guard PathSegments.isWithin(path, directory: resolved) else { continue }
            if resolved.count > longest { (owners, longest) = ([], resolved.count) }
            if resolved.count == longest { owners.append(candidate.experimentId) }
        }
        return owners
    }

    /// A non-admin may not give a new experiment an `mlflow-artifacts:` location inside another
    /// experiment's location (by the ownership rule it would take the outer one's files there), around
    /// one (it would take what lies between), equal to one, or at the destination's root; nor one where
    /// the server will put a future experiment's artifacts (`<default root>/<id>`: ids are sequential,
    /// so `.../7/models` taken now would own experiment 7's logged models later).
    func checkProxiedLocation(_ location: String) throws {
        guard ProxiedArtifactURI.isProxied(location) else { return }
        let path = try ProxiedArtifactURI.destinationPath(of: location)
        let refusal = Self.denied("the artifact location '\(location)' overlaps the artifacts of another experiment "
                                  + "or names the whole artifact store; only an admin may choose it.")
        guard !path.isEmpty else { throw refusal }
        try failingClosed {
            for candidate in try proxiedLocations(near: path) {
                let other = candidate.path
                if PathSegments.isWithin(path, directory: other) || PathSegments.isWithin(other, directory: path) {
                    throw refusal
                }
            }
        }
        if let root = Self.proxiedPath(tracking.defaultArtifactRoot), Self.isNumberedLayout(path, under: root) {
            throw Self.denied("the artifact location '\(location)' lies where the server puts new experiments' "
                              + "artifacts (the default root, then an experiment id); only an admin may choose it.")
        }
    }

    /// Whether `path` is `root/<digits>` or lies below it: the place of an experiment's default location.
    static func isNumberedLayout(_ path: String, under root: String) -> Bool {
        let rest: Substring
        if root.isEmpty {
            rest = Substring(path)
        } else if PathSegments.isWithin(path, directory: root), !PathSegments.same(path, root) {
            rest = Substring(path.utf8.dropFirst(root.utf8.count + (root.utf8.last == UInt8(ascii: "/") ? 0 : 1)))
        } else {
            return false
        }
        guard let first = PathSegments.split(rest).first else { return false }
        return first.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// The experiments whose proxied location resolves to a non-empty path that shares `path`'s first
    /// segment (every location that could own it or lie inside it names that segment, which narrows the
    /// store's scan), with the resolved path.
    private func proxiedLocations(near path: String) throws -> [(experimentId: String, path: String)] {
        guard let first = PathSegments.split(path).first else { return [] }
        return try tracking.experimentArtifactLocations(containing: String(first)).compactMap { stored in
            guard let resolved = Self.proxiedPath(stored.artifactLocation), !resolved.isEmpty else { return nil }
            return (stored.experimentId, resolved)
        }
    }

    /// Where a stored location points in the proxied destination; nil when it is no proxied location,
    /// or one the proxy would refuse (`..`, control characters): such a location owns no path, since
    /// no request reaches the proxy through it.
    static func proxiedPath(_ location: String) -> String? {
        guard ProxiedArtifactURI.isProxied(location) else { return nil }
        do {
            return try ProxiedArtifactURI.destinationPath(of: location)
        } catch {
            return nil
        }
    }
}
