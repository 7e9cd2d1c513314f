public import Foundation
public import TrackingCore
import Crypto

/// How to reach Azure Blob Storage and sign for it, built from an environment dictionary (the
/// process's by default) so tests can pass their own.
public struct AzureConfiguration: Sendable, Equatable {
    /// The REST API version sent as `x-ms-version` and signed into SAS tokens as `sv`.
    public static let apiVersion = "2021-08-06"
    /// Azure's limit on the blocks of one blob.
    public static let maximumBlockCount = 50_000

    public var credentials: AzureCredentials
    /// The storage account the credentials belong to (`AZURE_STORAGE_ACCOUNT`, the connection
    /// string's `AccountName`); nil when nothing names it.
    public var account: String?
    /// Where requests go instead of `https://<account>.blob.core.windows.net` (an emulator, a
    /// private endpoint); may end in a path such as `/devstoreaccount1`.
    public var blobEndpoint: String?
    /// Files up to this size go in one Put Blob; larger ones as blocks.
    public var singleUploadLimit: Int64
    /// The size of each block (the last may be smaller).
    public var blockSize: Int64
    /// Seconds a presigned (SAS) block URL stays valid.
    public var presignedURLExpiry: Int
    /// Seconds to connect, and seconds without progress before a transfer is abandoned.
    public var connectTimeout: Int
    public var stallTimeout: Int

    public init(credentials: AzureCredentials, blobEndpoint: String? = nil, singleUploadLimit: Int64 = 64 << 20,
                blockSize: Int64 = 32 << 20, presignedURLExpiry: Int = 3600, connectTimeout: Int = 10, stallTimeout: Int = 60,
                account: String? = nil) {
        self.credentials = credentials
        self.account = account
        self.blobEndpoint = blobEndpoint
        self.singleUploadLimit = singleUploadLimit
        self.blockSize = blockSize
        self.presignedURLExpiry = presignedURLExpiry
        self.connectTimeout = connectTimeout
        self.stallTimeout = stallTimeout
    }

    /// In MLflow's order: `AZURE_STORAGE_CONNECTION_STRING` (AccountName/AccountKey or
    /// SharedAccessSignature, BlobEndpoint); else `AZURE_STORAGE_ACCESS_KEY` (or `AZURE_STORAGE_KEY`)
    /// with the optional `AZURE_STORAGE_ACCOUNT`; else `AZURE_STORAGE_SAS_TOKEN`; else anonymous.
    /// Throws INVALID_PARAMETER_VALUE for a malformed connection string or account key.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(MLflowError) {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        if let text = value("AZURE_STORAGE_CONNECTION_STRING") {
            let parsed = try AzureConnectionString(text)
            self.init(credentials: parsed.credentials, blobEndpoint: parsed.blobEndpoint, account: parsed.account)
        } else if let keyText = value("AZURE_STORAGE_ACCESS_KEY") ?? value("AZURE_STORAGE_KEY") {
            guard let key = Base64.decode(keyText), !key.isEmpty else {
                throw .invalidParameter("AZURE_STORAGE_ACCESS_KEY is not a base64 account key")
            }
            self.init(credentials: .sharedKey(account: value("AZURE_STORAGE_ACCOUNT"), key: key),
                      account: value("AZURE_STORAGE_ACCOUNT"))
        } else if let sas = value("AZURE_STORAGE_SAS_TOKEN") {
            self.init(credentials: .sharedAccessSignature(sas.hasPrefix("?") ? String(sas.dropFirst()) : sas),
                      account: value("AZURE_STORAGE_ACCOUNT"))
        } else {
            self.init(credentials: .anonymous)
        }
    }
}

extension AzureConfiguration {
    /// The account credentials may be used for: the key's, the configured one, or the one a
    /// configured `<account>.blob.<suffix>` endpoint names.
    var credentialAccount: String? {
        if case .sharedKey(let account?, _) = credentials { return account }
        if let account { return account }
        guard let endpoint = blobEndpoint, let schemeEnd = endpoint.range(of: "://") else { return nil }
        let host = endpoint[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != ":" }
        return AzureBlobLocation.splitBlobHost(String(host))?.account
    }
}
