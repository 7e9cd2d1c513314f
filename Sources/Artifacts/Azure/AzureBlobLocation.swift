public import TrackingCore

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
            guard Self.splitBlobHost(host) != nil else { throw .invalidParameter("Not an Azure Blob URL: '\(uri)'") }
            let segments = rest.dropFirst(host.count).split(separator: "/")
            guard let container = segments.first else { throw .invalidParameter("Azure Blob URL without a container: '\(uri)'") }
            try self.init(container: String(container), host: host, path: segments.dropFirst().joined(separator: "/")[...], uri: uri)
        } else {
            throw .invalidParameter("Not an Azure Blob URI: '\(uri)'")
        }
    }

    private init(container: String, host: String, path: Substring, uri: String) throws(MLflowError) {
        guard !container.isEmpty, let (account, _) = Self.splitBlobHost(host) else {
            throw .invalidParameter("Azure URI must name a container and <account>.blob.<endpoint suffix>: '\(uri)'")
        }
        self.init(account: account, container: container, prefix: path.split(separator: "/").joined(separator: "/"),
                  host: host.lowercased())
    }

    /// Microsoft's blob endpoint suffixes: the public cloud, Azure China, Azure US Government and
    /// the retired Azure Germany (`<account>.blob.<suffix>`).
    public static let microsoftSuffixes: Set<String> = [
        "core.windows.net", "core.chinacloudapi.cn", "core.usgovcloudapi.net", "core.cloudapi.de",
    ]

    /// `<account>.blob.<suffix>` taken apart: an account name (lowercase letters and digits, at most
    /// 24, as Azure names accounts) and a DNS suffix; nil for anything else (a port, user info, ...).
    /// Says nothing of whether the suffix is one requests may be sent to.
    static func splitBlobHost(_ host: String) -> (account: String, suffix: String)? {
        let lowered = host.lowercased()
        let labels = lowered.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 4, labels[1] == "blob",
              let account = labels.first, (1...24).contains(account.count),
              account.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
              labels.dropFirst(2).allSatisfy({ label in
                  !label.isEmpty && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
              }) else { return nil }
        return (String(account), labels.dropFirst(2).joined(separator: "."))
    }

    /// A blob host of Microsoft's public or sovereign clouds (`acct.blob.core.windows.net`), the only
    /// hosts a URI may send requests to; any other needs a configured endpoint.
    public static func isBlobHost(_ host: String) -> Bool {
        guard let (_, suffix) = splitBlobHost(host) else { return false }
        return microsoftSuffixes.contains(suffix)
    }

    /// The blob name of an artifact path (relative to the prefix).
    public func blobName(for path: String) -> String {
        ArtifactPath.join(prefix, path)
    }
}
