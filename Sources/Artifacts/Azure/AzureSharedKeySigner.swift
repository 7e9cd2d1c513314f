import Crypto
public import OutboundHTTP
/// Azure Storage Shared Key authorisation (service version 2015-02-21 and later): the
/// string-to-sign of a request and its `Authorization: SharedKey account:signature` header.
public struct AzureSharedKeySigner: Sendable {
    public var account: String
    public var key: [UInt8]

    /// The standard headers signed by value, in the documented order (`Date` stays empty when
    /// `x-ms-date` is sent, as it always is here).
    static let standardHeaders = ["content-encoding", "content-language", "content-length", "content-md5", "content-type",
                                  "date", "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range"]

    public init(account: String, key: [UInt8]) {
        self.account = account
        self.key = key
    }

    /// `headers` are all headers sent, with `Content-Length` when a body is sent ("0" signs as empty).
    /// `encodedPath` is the path exactly as it appears in the URL (including any account path of
    /// an emulator endpoint).
    public func stringToSign(method: String, encodedPath: String, query: [QueryItem], headers: [HTTPHeader]) -> String {
        var values: [String: String] = [:]
        for header in headers { values[header.name.lowercased()] = header.value }
        if values["content-length"] == "0" { values["content-length"] = nil }
        var text = method.uppercased() + "\n"
        for name in Self.standardHeaders { text += (values[name] ?? "") + "\n" }
        text += Self.canonicalizedHeaders(headers)
        text += canonicalizedResource(encodedPath: encodedPath, query: query)
        return text
    }

    /// The `Authorization` header value.
    public func authorization(method: String, encodedPath: String, query: [QueryItem], headers: [HTTPHeader]) -> String {
        let text = stringToSign(method: method, encodedPath: encodedPath, query: query, headers: headers)
        return "SharedKey \(account):" + Base64.encode(HMACSHA256.authenticationCode(key: key, message: text))
    }

    /// `x-ms-*` headers: lower-cased names sorted, values trimmed with inner runs of spaces folded,
    /// one `name:value\n` line each.
    static func canonicalizedHeaders(_ headers: [HTTPHeader]) -> String {
        var merged: [String: String] = [:]
        for header in headers where header.name.lowercased().hasPrefix("x-ms-") {
            merged[header.name.lowercased()] = header.value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
        return merged.keys.sorted().map { "\($0):\(merged[$0] ?? "")\n" }.joined()
    }

    /// `/account/path` then, per query parameter sorted by lower-cased name, `\nname:value`
    /// (decoded values; repeated parameters sorted and joined with commas).
    func canonicalizedResource(encodedPath: String, query: [QueryItem]) -> String {
        var text = "/" + account + (encodedPath.isEmpty ? "/" : encodedPath)
        var grouped: [String: [String]] = [:]
        for item in query { grouped[item.name.lowercased(), default: []].append(item.value) }
        for name in grouped.keys.sorted() {
            text += "\n\(name):" + (grouped[name] ?? []).sorted().joined(separator: ",")
        }
        return text
    }
}
