import Crypto
public import TrackingCore

/// `Key=Value;...` storage connection strings (`AZURE_STORAGE_CONNECTION_STRING`).
public struct AzureConnectionString: Sendable, Equatable {
    /// Azurite's documented development account.
    static let developmentAccount = "devstoreaccount1"
    static let developmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

    public var credentials: AzureCredentials
    /// `AccountName` (Azurite's account for development storage).
    public var account: String?
    /// `BlobEndpoint`, or one built from `DefaultEndpointsProtocol` and `EndpointSuffix`.
    public var blobEndpoint: String?

    public init(_ text: String) throws(MLflowError) {
        var fields: [String: String] = [:]
        for part in text.split(separator: ";") {
            // Values (base64 keys, SAS tokens) contain '=': split at the first one only.
            guard let equals = part.firstIndex(of: "=") else { continue }
            let name = part[..<equals].trimmingSpaces().lowercased()
            fields[name] = part[part.index(after: equals)...].trimmingSpaces()
        }
        if fields["usedevelopmentstorage"]?.lowercased() == "true" {
            credentials = .sharedKey(account: Self.developmentAccount, key: Base64.decode(Self.developmentKey) ?? [])
            account = Self.developmentAccount
            blobEndpoint = "http://127.0.0.1:10000/\(Self.developmentAccount)"
            return
        }
        let account = fields["accountname"].flatMap { $0.isEmpty ? nil : $0 }
        self.account = account
        if let keyText = fields["accountkey"], !keyText.isEmpty {
            guard let key = Base64.decode(keyText), !key.isEmpty else {
                throw .invalidParameter("The AccountKey of the Azure connection string is not base64")
            }
            credentials = .sharedKey(account: account, key: key)
        } else if let sas = fields["sharedaccesssignature"], !sas.isEmpty {
            credentials = .sharedAccessSignature(sas.hasPrefix("?") ? String(sas.dropFirst()) : sas)
        } else {
            credentials = .anonymous
        }
        if let endpoint = fields["blobendpoint"], !endpoint.isEmpty {
            blobEndpoint = endpoint
        } else if let account, let suffix = fields["endpointsuffix"], !suffix.isEmpty {
            blobEndpoint = "\(fields["defaultendpointsprotocol"] ?? "https")://\(account).blob.\(suffix)"
        } else {
            blobEndpoint = nil
        }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (the connection string's field separators allow them).
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
