import Auth
import HTTPTransport
import TrackingCore

/// One API request as a route sees it: the transport's request, the route it matched, who asks, and
/// its fields read once. The route's access rule and its handler both read this one value, so the
/// resource that is checked is the resource that is used (docs/SECURITY.md, "One reading").
struct RouteRequest {
    /// The request as the transport delivered it (headers, body, staged body file).
    let http: HTTPRequest
    /// The matched route's path as registered (`{param}` kept): the metrics label and audit template.
    let template: String
    /// The values of the template's `{name}` segments.
    let parameters: PathParameters
    /// The signed-in caller; nil when access control is off (or on a public route).
    let caller: AuthUser?
    /// What the handler did (created ids, registry changes), for the audit log, grants and webhooks.
    let events = RouteEvents()
    /// The promotion policy's say on a rollback's planned moves, asked inside the write that applies
    /// them (set when access control is on; admins are bound too).
    var approveRollback: @Sendable (String, RegistryRollbackPlan) throws -> Void = { _, _ in }
    /// The promotion policy's say on a stage or alias move (direct, or a transition request's
    /// approval), asked inside the write that makes it, on the version that write found.
    var approveMove: @Sendable (RegistryMove) throws -> Void = { _ in }
    /// Refuses a caller without the promotion policy's governance role (set when access control is
    /// on; admins are bound too); the text names the action refused.
    var requireGovernance: @Sendable (String) throws -> Void = { _ in }
    /// The promotion policy's say on removing a version's seal, asked inside the unseal's write on
    /// the version it found (set when access control is on).
    var approveUnseal: @Sendable (ModelVersion) throws -> Void = { _ in }
    /// The fields, parsed once when the request was matched (a parse failure is kept and thrown on use).
    private let parsed: Result<RequestFields, MLflowError>

    init(_ http: HTTPRequest, template: String, caller: AuthUser? = nil, fieldsFromQuery: Bool = false) {
        self.http = http
        self.template = template
        self.parameters = PathParameters(pattern: template, path: http.path)
        self.caller = caller
        do {
            parsed = .success(fieldsFromQuery ? RequestFields.fromQuery(http) : try RequestFields.from(http))
        } catch {
            parsed = .failure(error)
        }
    }

    /// The request's fields (JSON body, or the query of a GET), or the error reading them gave.
    func fields() throws(MLflowError) -> RequestFields {
        try parsed.get()
    }

    var method: String { http.method }
    var path: String { http.path }
    /// The signed-in user's name, as stores record it (`user_id`, `requested_by`).
    var user: String? { http.user }
    var queryItems: [(name: String, value: String)] { http.queryItems }
    var body: [UInt8] { http.body }
    var bodyFile: String? { http.bodyFile }
    func header(_ name: String) -> String? { http.header(name) }
}
