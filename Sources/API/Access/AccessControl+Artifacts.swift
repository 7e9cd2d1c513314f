import Auth
import HTTPTransport
import TrackingCore

extension AccessControl {
    /// The artifact proxy (`/api/2.0/mlflow-artifacts/...`): the path the request acts on (read once
    /// by `ArtifactProxyRequest`, already free of `.` and `..` segments) starts with the experiment id
    /// (`<experiment>/<run>/artifacts/...`, `<experiment>/models/...`), whose permission decides:
    /// reading for GET, EDIT for uploads and multipart uploads, MANAGE for deletes. A path without an
    /// experiment falls to the default permission.
    func authorizeArtifact(_ user: AuthUser, _ proxied: ArtifactProxyRequest) throws {
        if user.isAdmin { return }
        let need: Permission.Need
        switch proxied.action {
        case .list, .download: need = .read
        case .upload, .multipart: need = .update
        case .delete: need = .manage
        }
        let segments = proxied.path.split(separator: "/", omittingEmptySubsequences: true)
        guard !segments.contains(where: { $0 == ".." || $0 == "." }) else {
            throw Self.denied("artifact paths may not contain '.' or '..' segments.")
        }
        if let first = segments.first, first.allSatisfy(\.isASCIIDigit) {
            try require(need, user, .experiment, String(first))
        } else if !defaultPermission.allows(need) {
            throw Self.denied("\(Self.verb(need)) artifacts outside an experiment needs \(Self.minimum(need)) permission.")
        }
    }
}

extension Character {
    /// `0`-`9` only (`isNumber` also takes other scripts' digits and fractions, which no experiment id has).
    var isASCIIDigit: Bool { isASCII && isNumber }
}
