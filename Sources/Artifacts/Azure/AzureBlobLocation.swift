import TrackingCore

/// `wasbs://container@account.blob.core.windows.net/prefix`, or the same place as
/// `https://account.blob.core.windows.net/container/prefix`.
public struct AzureBlobLocation: Sendable, Equatable {
    public var account: String
    public var container: String
    public var prefix: String
    /// The service host, e.g. `account.blob.core.windows.net`.
    public var host: String

    public init(account: String, container: String, prefix: String, host: String? = nil) {
        self.account = account
        self.container = container
        self.prefix = prefix
        self.host = host ?? "\(account).blob.core.windows.net"
    }

    public init(uri: String) throws(MLflowError) {
        let lowered = uri.lowercased()
        let body = uri.prefix { $0 != "?" && $0 != "#" }
        if lowered.hasPrefix("wasbs://") {
            let rest = body.dropFirst("wasbs://".count)
            let authority = rest.prefix { $0 != "/" }
            guard let at = authority.firstIndex(of: "@") else {
                throw .invalidParameter("Azure URI must be wasbs://<container>@<account>.blob.core.windows.net/<path>: '\(uri)'")
            }
            let host = String(authority[authority.index(after: at)...])
            try self.init(container: String(authority[..<at]), host: host, path: rest.dropFirst(authority.count), uri: uri)
        } else if lowered.hasPrefix("https://") {
            let rest = body.dropFirst("https://".count)
            let host = String(rest.prefix { $0 != "/" })
            guard Self.isBlobHost(host) else { throw .invalidParameter("Not an Azure Blob URL: '\(uri)'") }
            let segments = rest.dropFirst(host.count).split(separator: "/")
            guard let container = segments.first else { throw .invalidParameter("Azure Blob URL without a container: '\(uri)'") }
            try self.init(container: String(container), host: host, path: segments.dropFirst().joined(separator: "/")[...], uri: uri)
        } else {
            throw .invalidParameter("Not an Azure Blob URI: '\(uri)'")
        }
    }

    private init(container: String, host: String, path: Substring, uri: String) throws(MLflowError) {
        let account = String(host.prefix { $0 != "." })
        guard !container.isEmpty, !account.isEmpty, Self.isBlobHost(host) else {
            throw .invalidParameter("Azure URI must name a container and <account>.blob.<endpoint suffix>: '\(uri)'")
        }
        self.init(account: account, container: container, prefix: path.split(separator: "/").joined(separator: "/"),
                  host: host.lowercased())
    }

    /// `account.blob.core.windows.net` and the sovereign clouds' `account.blob.core.<suffix>`.
    public static func isBlobHost(_ host: String) -> Bool {
        let lowered = host.lowercased()
        guard let dot = lowered.firstIndex(of: ".") else { return false }
        return lowered[lowered.index(after: dot)...].hasPrefix("blob.core.")
    }

    /// The blob name of an artifact path (relative to the prefix).
    public func blobName(for path: String) -> String {
        ArtifactPath.join(prefix, path)
    }
}
