import COpenSSL

/// Slow, salted key derivation for password hashes: PBKDF2-HMAC-SHA256 and scrypt (libcrypto).
/// Both return an empty array when libcrypto refuses the parameters.
public enum KeyDerivation {
    public static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        guard length > 0, length <= 64, iterations > 0, iterations <= Int(Int32.max) else { return [] }
        var out = [UInt8](repeating: 0, count: length)
        let ok = password.withUnsafeBufferPointer { pass in
            salt.withUnsafeBufferPointer { saltBuffer in
                pass.withMemoryRebound(to: CChar.self) { passChars in
                    PKCS5_PBKDF2_HMAC(passChars.baseAddress, Int32(pass.count), saltBuffer.baseAddress,
                                      Int32(saltBuffer.count), Int32(iterations), EVP_sha256(), Int32(length), &out)
                }
            }
        }
        return ok == 1 ? out : []
    }

    /// scrypt with Python hashlib's memory bound as werkzeug sets it (`maxmem = 132 * n * r * p`).
    public static func scrypt(password: [UInt8], salt: [UInt8], n: UInt64, r: UInt64, p: UInt64,
                              length: Int) -> [UInt8] {
        guard length > 0, length <= 128 else { return [] }
        var out = [UInt8](repeating: 0, count: length)
        let ok = password.withUnsafeBufferPointer { pass in
            salt.withUnsafeBufferPointer { saltBuffer in
                pass.withMemoryRebound(to: CChar.self) { passChars in
                    EVP_PBE_scrypt(passChars.baseAddress, pass.count, saltBuffer.baseAddress, saltBuffer.count,
                                   n, r, p, 132 * n * r * p, &out, length)
                }
            }
        }
        return ok == 1 ? out : []
    }
}

/// Comparison whose time depends on the lengths only (libcrypto's `CRYPTO_memcmp`).
public enum ConstantTime {
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in CRYPTO_memcmp(left.baseAddress, right.baseAddress, a.count) == 0 }
        }
    }
}
