import COpenSSL

/// RSASSA-PKCS1-v1_5 with SHA-256 (JWT's RS256) through libcrypto's EVP interface, for GCS
/// service-account assertions. Holds the key as DER and loads it for each signature, so the
/// value is plain data and safe to share across threads.
public struct RSASHA256Signer: Sendable {
    private let der: [UInt8]

    /// `pem` is a PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`) RSA key, unencrypted.
    public init(pem: String) throws(CryptoError) {
        guard let der = Self.derBytes(ofPEM: pem) else {
            throw .invalidKey("The private key is not PEM text (BEGIN PRIVATE KEY)")
        }
        self.der = der
        // Refuse a key libcrypto cannot load, or one that is not RSA, now rather than at first use.
        guard let key = Self.load(der) else { throw .invalidKey("The private key could not be read") }
        defer { EVP_PKEY_free(key) }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else { throw .invalidKey("The private key is not an RSA key") }
    }

    /// The signature of `message`.
    public func sign(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard let key = Self.load(der) else { throw .libraryFailure("The private key could not be read") }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { throw .libraryFailure("libcrypto could not allocate a digest context") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else {
            throw .libraryFailure("libcrypto refused to start an RS256 signature")
        }
        var length = 0
        let signed: Bool = message.withUnsafeBufferPointer { input in
            guard EVP_DigestSign(context, nil, &length, input.baseAddress, input.count) == 1 else { return false }
            return true
        }
        guard signed, length > 0 else { throw .libraryFailure("libcrypto could not size the RS256 signature") }
        var signature = [UInt8](repeating: 0, count: length)
        let done: Bool = message.withUnsafeBufferPointer { input in
            signature.withUnsafeMutableBufferPointer { output in
                EVP_DigestSign(context, output.baseAddress, &length, input.baseAddress, input.count) == 1
            }
        }
        guard done else { throw .libraryFailure("libcrypto could not compute the RS256 signature") }
        return Array(signature.prefix(length))
    }

    private static func trimmed(_ line: Substring) -> String {
        String(line.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// The DER bytes between the first `-----BEGIN ...-----` and `-----END ...-----` lines.
    static func derBytes(ofPEM pem: String) -> [UInt8]? {
        let lines = pem.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map(Self.trimmed)
        guard let begin = lines.firstIndex(where: { $0.hasPrefix("-----BEGIN ") && $0.hasSuffix("KEY-----") }),
              let end = lines[begin...].firstIndex(where: { $0.hasPrefix("-----END ") }) else { return nil }
        let body = lines[(begin + 1)..<end]
        // Encrypted PEM carries header lines such as "Proc-Type:"; those keys are not supported.
        guard !body.contains(where: { $0.contains(":") }) else { return nil }
        guard let bytes = Base64.decode(body.joined()), !bytes.isEmpty else { return nil }
        return bytes
    }

    /// `d2i_AutoPrivateKey` recognises both PKCS#8 and the traditional PKCS#1 encoding.
    private static func load(_ der: [UInt8]) -> OpaquePointer? {
        der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_AutoPrivateKey(nil, &cursor, buffer.count)
        }
    }
}
