import Crypto
public import OutboundHTTP
/// AWS Signature Version 4 (AWS4-HMAC-SHA256): header signing and query presigning.
public struct SigV4Signer: Sendable {
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let algorithm = "AWS4-HMAC-SHA256"

    public var credentials: AWSCredentials
    public var region: String
    public var service: String

    public init(credentials: AWSCredentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The request's headers plus `Host`, `x-amz-date`, `x-amz-content-sha256`, the session
    /// token when there is one, and `Authorization`: everything to send.
    public func signedHeaders(for request: SigV4Request, payloadHash: String, date: AMZDate) -> [HTTPHeader] {
        var headers = request.headers.filter { $0.name.lowercased() != "host" }
        headers.insert(HTTPHeader("Host", request.host), at: 0)
        headers.append(HTTPHeader("x-amz-date", date.timestamp))
        headers.append(HTTPHeader("x-amz-content-sha256", payloadHash))
        if let token = credentials.sessionToken { headers.append(HTTPHeader("x-amz-security-token", token)) }
        let canonical = Self.canonicalHeaders(headers)
        let canonicalRequest = Self.canonicalRequest(method: request.method, encodedPath: request.encodedPath,
                                                     query: request.query, canonicalHeaders: canonical.text,
                                                     signedHeaders: canonical.names, payloadHash: payloadHash)
        let signature = sign(canonicalRequest: canonicalRequest, date: date)
        headers.append(HTTPHeader("Authorization",
            "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(scope(date)),SignedHeaders=\(canonical.names),Signature=\(signature)"))
        return headers
    }

    /// The query of a presigned URL (the request's own parameters plus the `X-Amz-*` ones and
    /// the signature), signing only `host` and an unsigned payload, valid `expires` seconds.
    public func presignedQuery(for request: SigV4Request, expires: Int, date: AMZDate) -> [QueryItem] {
        var query = request.query
        query.append(QueryItem("X-Amz-Algorithm", Self.algorithm))
        query.append(QueryItem("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope(date))"))
        query.append(QueryItem("X-Amz-Date", date.timestamp))
        query.append(QueryItem("X-Amz-Expires", String(expires)))
        if let token = credentials.sessionToken { query.append(QueryItem("X-Amz-Security-Token", token)) }
        query.append(QueryItem("X-Amz-SignedHeaders", "host"))
        let canonicalRequest = Self.canonicalRequest(method: request.method, encodedPath: request.encodedPath, query: query,
                                                     canonicalHeaders: "host:\(request.host)\n", signedHeaders: "host",
                                                     payloadHash: Self.unsignedPayload)
        query.append(QueryItem("X-Amz-Signature", sign(canonicalRequest: canonicalRequest, date: date)))
        return query
    }

    func scope(_ date: AMZDate) -> String { "\(date.dateStamp)/\(region)/\(service)/aws4_request" }

    func stringToSign(canonicalRequest: String, date: AMZDate) -> String {
        [Self.algorithm, date.timestamp, scope(date), SHA256.hex(canonicalRequest)].joined(separator: "\n")
    }

    /// The hex signature of a canonical request.
    func sign(canonicalRequest: String, date: AMZDate) -> String {
        var key = HMACSHA256.authenticationCode(key: Array("AWS4\(credentials.secretAccessKey)".utf8), message: date.dateStamp)
        for part in [region, service, "aws4_request"] { key = HMACSHA256.authenticationCode(key: key, message: part) }
        return Hex.encode(HMACSHA256.authenticationCode(key: key, message: stringToSign(canonicalRequest: canonicalRequest, date: date)))
    }

    static func canonicalRequest(method: String, encodedPath: String, query: [QueryItem], canonicalHeaders: String,
                                 signedHeaders: String, payloadHash: String) -> String {
        [method.uppercased(), encodedPath, AWSURIEncoding.canonicalQuery(query), canonicalHeaders, signedHeaders, payloadHash]
            .joined(separator: "\n")
    }

    /// `name:value\n` lines sorted by lower-cased name (values trimmed, inner spaces collapsed,
    /// repeated headers joined with commas) and the `;`-joined names.
    static func canonicalHeaders(_ headers: [HTTPHeader]) -> (text: String, names: String) {
        var merged: [String: [String]] = [:]
        for header in headers {
            let value = header.value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            merged[header.name.lowercased(), default: []].append(value)
        }
        let names = merged.keys.sorted()
        let text = names.map { "\($0):\(merged[$0, default: []].joined(separator: ","))\n" }.joined()
        return (text, names.joined(separator: ";"))
    }
}
