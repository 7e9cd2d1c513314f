/// TLS for the server (libmicrohttpd's GnuTLS): a PEM certificate chain and private key, and
/// the protocol versions allowed (TLS 1.2 and 1.3 only, by default).
public struct HTTPServerTLS: Sendable, Equatable {
    /// The certificate (followed by any intermediates), in PEM.
    public var certificatePEM: String
    /// The private key, in PEM (PKCS#8 or PKCS#1; encrypted when `keyPassword` is given).
    public var privateKeyPEM: String
    public var keyPassword: String?
    /// A GnuTLS priority string.
    public var priorities: String

    /// TLS 1.3, and TLS 1.2 with forward-secret key exchange ((EC)DHE) and AEAD ciphers only (GCM,
    /// ChaCha20-Poly1305): no RSA key exchange (no forward secrecy) and no CBC (padding-oracle
    /// history); the server's cipher order. Every client from the last decade has one of these.
    public static let modernPriorities = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
        + ":-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:+DHE-RSA"
        + ":-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305"
        + ":-MAC-ALL:+AEAD:%SERVER_PRECEDENCE"

    public init(certificatePEM: String, privateKeyPEM: String, keyPassword: String? = nil,
                priorities: String = HTTPServerTLS.modernPriorities) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.keyPassword = keyPassword
        self.priorities = priorities
    }

    /// Reads the two PEM files; the error names the file that could not be read or is not PEM.
    public static func load(certificateFile: String, keyFile: String, keyPassword: String? = nil)
        throws(HTTPServerError) -> HTTPServerTLS {
        func read(_ path: String, _ what: String, _ marker: String) throws(HTTPServerError) -> String {
            guard let text = readTextFile(path) else { throw HTTPServerError(message: "cannot read the TLS \(what) \(path)") }
            guard text.contains("-----BEGIN ") && text.contains(marker) else {
                throw HTTPServerError(message: "the TLS \(what) \(path) is not in PEM form (no '-----BEGIN ...\(marker)')")
            }
            return text
        }
        return HTTPServerTLS(certificatePEM: try read(certificateFile, "certificate", "CERTIFICATE-----"),
                             privateKeyPEM: try read(keyFile, "key", "KEY-----"), keyPassword: keyPassword)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A whole small file as UTF-8 text (certificates, keys), without Foundation.
private func readTextFile(_ path: String) -> String? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16_384)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
        if count < chunk.count { break }
        if bytes.count > 1 << 20 { return nil }   // no PEM bundle is a megabyte
    }
    return String(validating: bytes, as: UTF8.self)
}
