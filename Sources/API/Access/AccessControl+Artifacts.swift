import Auth
import HTTPServer
import TrackingCore

extension AccessControl {
    /// The artifact proxy (`/api/2.0/mlflow-artifacts/...`): its paths start with the experiment
    /// id (`<experiment>/<run>/artifacts/...`, `<experiment>/models/...`), whose permission decides:
    /// reading for GET, EDIT for uploads, MANAGE for deletes. A path without an experiment falls
    /// to the default permission. Paths with `.` or `..` segments are refused before they are read.
    func authorizeArtifact(_ user: AuthUser, request: HTTPRequest, servicePath: Substring) throws {
        if user.isAdmin { return }
        let method = request.method
        let need: Permission.Need = method == "GET" || method == "HEAD" ? .read : method == "DELETE" ? .manage : .update
        var path: Substring
        if servicePath == "artifacts" {
            path = Substring(request.queryItems.first { $0.name == "path" }?.value ?? "")
        } else if servicePath.hasPrefix("artifacts/") {
            path = servicePath.dropFirst("artifacts/".count)
        } else if servicePath.hasPrefix("mpu/"), let slash = servicePath.dropFirst(4).firstIndex(of: "/") {
            path = servicePath[servicePath.index(after: slash)...]
        } else {
            path = ""
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !segments.contains(where: { $0 == ".." || $0 == "." }) else {
            throw Self.denied("artifact paths may not contain '.' or '..' segments.")
        }
        if let first = segments.first, first.allSatisfy(\.isNumber) {
            try require(need, user, .experiment, String(first))
        } else if !defaultPermission.allows(need) {
            throw Self.denied("\(Self.verb(need)) artifacts outside an experiment needs \(Self.minimum(need)) permission.")
        }
    }
}
