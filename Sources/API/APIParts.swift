import Artifacts
public import HTTPTransport
public import Observability
import Storage
public import Webhooks

/// What the composition root hands the API: the stores and each optional part. A part left nil is
/// off (no access control, no audit, no webhooks, no UI).
public struct APIParts: Sendable {
    public var stores: APIStores
    /// The MLflow version whose API is served (`/version`, server-info).
    public var version: String
    public var artifacts: ArtifactService
    /// `--artifacts-only`: the artifact proxy alone; other API routes answer 503.
    public var artifactsOnly: Bool
    public var observability: APIObservability?
    /// With it, requests need credentials, pass their route's rule, and searches answer what the
    /// caller may read.
    public var access: AccessControl?
    /// Which proxies to believe, whether HTTPS is required, the HSTS header.
    public var transport: TransportSecurity
    /// Every request's record goes to this sink (`docs/AUDIT.md`).
    public var audit: (any AuditSink)?
    /// What answers `/` and `/static-files/...` (the built-in UI, MLflow's, or none).
    public var ui: (any WebSite)?
    public var webhooks: WebhookService?
    public var logError: @Sendable (String) -> Void
    /// How long a move into a protected stage or alias waits for its version's seal before answering
    /// 503 with `Retry-After` (`--seal-wait`).
    public var sealWait: Duration = .seconds(20)
    /// The bytes of sealed files' checked copies held at once before a sealed download answers 503
    /// with `Retry-After` (`--sealed-copy-bytes`; 0: no limit).
    public var sealedCopyBytes: Int64 = Self.defaultSealedCopyBytes
    /// 4 GiB: a few large model files at once, bounded far below a full disk.
    public static let defaultSealedCopyBytes: Int64 = 4 << 30
    /// What each caller's searches are narrowed to: the access control's grants (tests pass a stand-in).
    var visibility: (any SearchVisibility)?

    public init(stores: APIStores, version: String, artifacts: ArtifactService = .localOnly, artifactsOnly: Bool = false,
                observability: APIObservability? = nil, access: AccessControl? = nil,
                transport: TransportSecurity = .none, audit: (any AuditSink)? = nil, ui: (any WebSite)? = nil,
                webhooks: WebhookService? = nil, logError: @escaping @Sendable (String) -> Void = { _ in }) {
        self.stores = stores
        self.version = version
        self.artifacts = artifacts
        self.artifactsOnly = artifactsOnly
        self.observability = observability
        self.access = access
        self.transport = transport
        self.audit = audit
        self.ui = ui
        self.webhooks = webhooks
        self.logError = logError
        self.visibility = access
    }
}
