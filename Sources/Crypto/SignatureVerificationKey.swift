import COpenSSL

/// A public key that checks SHA-256 signatures: JWT's RS256 (RSA, PKCS#1 v1.5) and ES256 (ECDSA
/// on P-256), built from a JSON Web Key's parts. libcrypto keys are reference-counted and safe to
/// verify with from several threads (each check has its own digest context).
public final class SignatureVerificationKey: @unchecked Sendable {
    public enum Algorithm: String, Sendable {
        case rs256 = "RS256"
        case es256 = "ES256"
    }

    public let algorithm: Algorithm
    private let key: OpaquePointer

    /// The smallest RSA modulus accepted, in bits.
    public static let minimumRSABits = 2048

    /// An RSA key from its big-endian modulus and exponent.
    public init(rsaModulus modulus: [UInt8], exponent: [UInt8]) throws(CryptoError) {
        guard !modulus.isEmpty, !exponent.isEmpty,
              let key = swiftrack_rsa_public_key(modulus, modulus.count, exponent, exponent.count) else {
            throw .invalidKey("The RSA key's modulus and exponent do not make a valid public key")
        }
        guard EVP_PKEY_get_bits(key) >= Self.minimumRSABits else {
            EVP_PKEY_free(key)
            throw .invalidKey("The RSA key is shorter than \(Self.minimumRSABits) bits")
        }
        self.key = key
        self.algorithm = .rs256
    }

    /// A P-256 key from its 32-byte big-endian coordinates.
    public init(p256X x: [UInt8], y: [UInt8]) throws(CryptoError) {
        guard x.count == 32, y.count == 32 else {
            throw .invalidKey("A P-256 key's coordinates are 32 bytes each")
        }
        let point = [0x04] + x + y
        guard let key = swiftrack_ec_public_key("prime256v1", point, point.count) else {
            throw .invalidKey("The coordinates are not a point on P-256")
        }
        self.key = key
        self.algorithm = .es256
    }

    deinit { EVP_PKEY_free(key) }

    /// Whether `signature` (as a JWS carries it: raw r||s for ES256) signs `message`.
    public func verifies(_ signature: [UInt8], of message: [UInt8]) -> Bool {
        switch algorithm {
        case .rs256:
            return swiftrack_verify_sha256(key, message, message.count, signature, signature.count) == 1
        case .es256:
            guard signature.count == 64 else { return false }
            var der = [UInt8](repeating: 0, count: 80)
            let length = swiftrack_ecdsa_raw_to_der(signature, 32, &der, der.count)
            guard length > 0 else { return false }
            return swiftrack_verify_sha256(key, message, message.count, der, Int(length)) == 1
        }
    }
}
