public import Foundation

/// How to reach GCS and authorise for it, built from an environment dictionary (the process's
/// by default) so tests can pass their own. Copies share one access-token cache.
public struct GCSConfiguration: Sendable {
    public static let defaultEndpoint = "https://storage.googleapis.com"

    /// Where the JSON API lives: GCS itself, or `STORAGE_EMULATOR_HOST`.
    public var endpointURL: String
    public var credentials: GCSCredentials { tokens.credentials }
    /// Files up to this size go in one media upload; larger ones in a resumable upload.
    public var simpleUploadLimit: Int64
    /// Bytes per request of a resumable upload; rounded down to the 256 KiB
    /// multiple GCS requires of every chunk but the last.
    public var chunkSize: Int64
    /// Seconds to connect, and seconds without progress before a transfer is abandoned.
    public var connectTimeout: Int
    public var stallTimeout: Int
    /// The access-token cache, shared by every repository made from this configuration.
    let tokens: GCSAccessTokenProvider

    public init(credentials: GCSCredentials, endpointURL: String = Self.defaultEndpoint,
                simpleUploadLimit: Int64 = 16 << 20, chunkSize: Int64 = 16 << 20,
                connectTimeout: Int = 10, stallTimeout: Int = 60) {
        self.endpointURL = Self.normalizedEndpoint(endpointURL)
        self.simpleUploadLimit = simpleUploadLimit
        self.chunkSize = chunkSize
        self.connectTimeout = connectTimeout
        self.stallTimeout = stallTimeout
        self.tokens = GCSAccessTokenProvider(credentials: credentials, connectTimeout: connectTimeout)
    }

    /// `STORAGE_EMULATOR_HOST` (as Google's client libraries read it) sends unauthenticated
    /// requests to that host; otherwise `GOOGLE_APPLICATION_CREDENTIALS` names a service-account
    /// key file, and without it requests are anonymous (public buckets only).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        if let emulator = value("STORAGE_EMULATOR_HOST") {
            self.init(credentials: .anonymous, endpointURL: emulator)
        } else if let keyFile = value("GOOGLE_APPLICATION_CREDENTIALS") {
            self.init(credentials: .serviceAccountKeyFile(path: keyFile))
        } else {
            self.init(credentials: .anonymous)
        }
    }

    /// `host:port` gets `http://` (the emulator convention); a trailing `/` is dropped.
    static func normalizedEndpoint(_ endpoint: String) -> String {
        var text = endpoint.contains("://") ? endpoint : "http://" + endpoint
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
