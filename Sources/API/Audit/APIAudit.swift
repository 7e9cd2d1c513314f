import Auth
import Foundation
import JSON
import Observability
import TrackingCore

/// The API's side of the audit log: builds each request's record (a few fields, no I/O but a
/// rare role lookup) and hands it to the sink, which writes it off the request path.
struct APIAudit: Sendable {
    let sink: any AuditSink
    let roles: AuditRoleCache?

    /// What the pipeline knows once it has answered.
    struct Outcome {
        var template: String
        var caller: AuthUser?
        var response: HTTPResponse
        /// How the caller signed in (`basic`, `ldap`, `oidc`, `session`); nil for an anonymous request.
        var authMethod: String? = nil
        /// What the request named and created (`AuditResources(rule:request:events:)`).
        var resources = AuditResources()
    }

    func submit(_ request: HTTPRequest, _ outcome: Outcome, requestId: String, elapsed: Duration) -> AuditSubmission {
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        let record = AuditRecord(
            timeMillis: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)), requestId: requestId,
            user: outcome.caller?.username, roles: outcome.caller.map { roles?.roles(of: $0) ?? [] } ?? [],
            authMethod: outcome.caller == nil ? .none : AuditAuthMethod(rawValue: outcome.authMethod ?? "basic"), method: request.method, route: outcome.template,
            resources: outcome.resources,
            clientAddress: request.remoteAddress, status: outcome.response.status,
            errorCode: Self.errorCode(of: outcome.response), durationMicros: micros)
        return sink.submit(record)
    }

    /// The `error_code` of a JSON error answer (status 400 and above), else nil.
    static func errorCode(of response: HTTPResponse) -> String? {
        guard response.status >= 400, response.file == nil, response.body.count <= 1 << 16,
              response.headers.contains(where: { $0.name.lowercased() == "content-type" && $0.value.hasPrefix("application/json") }),
              case .string(let code)? = (try? JSONParser.parse(response.body))?["error_code"] else { return nil }
        return code
    }
}

extension MLflowError {
    /// The answer when the audit log fails closed: before a request runs (it is not carried
    /// out), or after it ran but its record could not be queued.
    static func auditUnavailable(carriedOut: Bool) -> MLflowError {
        MLflowError(.temporarilyUnavailable, carriedOut
            ? "The audit log could not record this request; it may have taken effect."
            : "The audit log is unavailable: the request was not carried out.")
    }
}
