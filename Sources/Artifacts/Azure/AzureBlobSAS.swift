public import Foundation
import Crypto

/// A service SAS for one blob (signed with the account key, service version 2020-12-06 and
/// later): the query parameters that let anyone holding the URL make the permitted calls.
public struct AzureBlobSAS: Sendable {
    public var account: String
    public var key: [UInt8]

    public init(account: String, key: [UInt8]) {
        self.account = account
        self.key = key
    }

    /// `permissions` in Azure's letters and order (`r`, `a`, `c`, `w`, `d`...).
    public func queryItems(container: String, blob: String, permissions: String, expiry: Date,
                           start: Date? = nil, version: String = AzureConfiguration.apiVersion) -> [QueryItem] {
        let startText = start.map(AzureDate.iso8601) ?? ""
        let expiryText = AzureDate.iso8601(expiry)
        let signature = sign(stringToSign(container: container, blob: blob, permissions: permissions,
                                          start: startText, expiry: expiryText, version: version))
        var items = [QueryItem("sv", version), QueryItem("sr", "b"), QueryItem("sp", permissions)]
        if !startText.isEmpty { items.append(QueryItem("st", startText)) }
        items.append(QueryItem("se", expiryText))
        items.append(QueryItem("sig", signature))
        return items
    }

    /// Permissions, start, expiry, `/blob/account/container/blob` (names not encoded), then the
    /// identifier, IP, protocol, version, resource, snapshot time, encryption scope and the five
    /// response-header overrides, all empty here but the version and the resource `b`.
    func stringToSign(container: String, blob: String, permissions: String, start: String, expiry: String,
                      version: String) -> String {
        [permissions, start, expiry, "/blob/\(account)/\(container)/\(blob)", "", "", "", version, "b", "", "",
         "", "", "", "", ""].joined(separator: "\n")
    }

    func sign(_ text: String) -> String {
        Base64.encode(HMACSHA256.authenticationCode(key: key, message: text))
    }
}
