/// One answered request as the audit log keeps it: who, what, when, from where, and the outcome.
/// It carries only extracted identifiers, never a body, a header or a query string.
public struct AuditRecord: Sendable, Equatable {
    /// When the request was answered, in milliseconds since the epoch.
    public var timeMillis: Int64
    public var requestId: String
    /// The signed-in user; nil when the request was not authenticated.
    public var user: String?
    /// The user's role names at the time (`admin` for administrators), sorted.
    public var roles: [String]
    public var authMethod: AuditAuthMethod
    public var method: String
    /// The matched route template (`/api/2.0/mlflow/runs/get`), `unmatched` or `unauthenticated`.
    public var route: String
    public var resources: AuditResources
    /// The client's numeric address; empty when unknown.
    public var clientAddress: String
    public var status: Int
    /// MLflow's `error_code` of a failed request's JSON answer.
    public var errorCode: String?
    public var durationMicros: Int64

    public init(timeMillis: Int64, requestId: String, user: String?, roles: [String], authMethod: AuditAuthMethod,
                method: String, route: String, resources: AuditResources, clientAddress: String, status: Int,
                errorCode: String?, durationMicros: Int64) {
        self.timeMillis = timeMillis
        self.requestId = requestId
        self.user = user
        self.roles = roles
        self.authMethod = authMethod
        self.method = method
        self.route = route
        self.resources = resources
        self.clientAddress = clientAddress
        self.status = status
        self.errorCode = errorCode
        self.durationMicros = durationMicros
    }

    /// The record cut to the columns' bounds (whatever a client sent), roles sorted. The
    /// writer stores this form; a record read back is kept verbatim, so an edit cannot hide
    /// behind the cut.
    public func bounded() -> AuditRecord {
        var copy = self
        copy.requestId = Self.clip(requestId, 128)
        copy.user = user.map { Self.clip($0, 256) }
        copy.roles = roles.map { Self.clip($0, 256) }.sorted()
        copy.authMethod = AuditAuthMethod(rawValue: Self.clip(authMethod.rawValue, 32))
        copy.method = Self.clip(method, 16)
        copy.route = Self.clip(route, 512)
        copy.resources = AuditResources(
            experimentId: resources.experimentId.map { Self.clip($0, 256) },
            runId: resources.runId.map { Self.clip($0, 256) },
            registeredModelName: resources.registeredModelName.map { Self.clip($0, 512) },
            modelVersion: resources.modelVersion.map { Self.clip($0, 64) },
            loggedModelId: resources.loggedModelId.map { Self.clip($0, 256) },
            sealDigest: resources.sealDigest.map { Self.clip($0, 64) })
        copy.clientAddress = Self.clip(clientAddress, 64)
        copy.errorCode = errorCode.map { Self.clip($0, 64) }
        return copy
    }

    /// At most `limit` Unicode scalars: every column has a bound whatever a client sends.
    static func clip(_ text: String, _ limit: Int) -> String {
        text.unicodeScalars.count <= limit ? text : String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit)))
    }
}

/// The resources a request named, as read from its fields or path (nil when absent).
public struct AuditResources: Sendable, Equatable {
    public var experimentId: String?
    public var runId: String?
    public var registeredModelName: String?
    public var modelVersion: String?
    public var loggedModelId: String?
    /// The seal a move into a protected stage or alias required: its digest (docs/REGISTRY.md),
    /// so the log names exactly what the approver promoted.
    public var sealDigest: String?

    public init(experimentId: String? = nil, runId: String? = nil, registeredModelName: String? = nil,
                modelVersion: String? = nil, loggedModelId: String? = nil, sealDigest: String? = nil) {
        self.experimentId = experimentId
        self.runId = runId
        self.registeredModelName = registeredModelName
        self.modelVersion = modelVersion
        self.loggedModelId = loggedModelId
        self.sealDigest = sealDigest
    }
}

/// How the caller proved who they are: `basic`, `ldap`, `oidc`, `session`, or `none`.
public struct AuditAuthMethod: RawRepresentable, Sendable, Hashable {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public static let none = AuditAuthMethod(rawValue: "none")
    public static let basic = AuditAuthMethod(rawValue: "basic")
}
