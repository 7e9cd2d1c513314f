/// How requests to Azure Blob Storage are authorised.
public enum AzureCredentials: Sendable, Equatable {
    /// Unauthenticated requests (public containers).
    case anonymous
    /// Shared Key: the account key, decoded from base64. `account` nil means the URI's account.
    case sharedKey(account: String?, key: [UInt8])
    /// A shared access signature, as query text without the leading `?`.
    case sharedAccessSignature(String)
}

extension AzureCredentials: CustomStringConvertible {
    /// Never prints the key or the signature.
    public var description: String {
        switch self {
        case .anonymous: return "anonymous"
        case .sharedKey(let account, _): return "SharedKey(\(account ?? "<uri account>"), key: ***)"
        case .sharedAccessSignature: return "SAS(***)"
        }
    }
}
