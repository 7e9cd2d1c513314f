import Crypto

/// Salted, slow password hashes in werkzeug's text form, `method$salt$hexdigest`, which is what
/// MLflow's auth database stores: a user table imported from MLflow keeps working.
///
/// New hashes are PBKDF2-HMAC-SHA256 (`pbkdf2:sha256:600000`, werkzeug's own iteration count);
/// werkzeug's default `scrypt:32768:8:1` hashes are verified too. Digests are compared in
/// constant time.
public enum PasswordHash {
    public static let defaultIterations = 600_000
    /// werkzeug's salt alphabet and length.
    private static let saltCharacters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
    private static let saltLength = 16

    public static func make(_ password: String, iterations: Int = defaultIterations) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = String(decoding: (0..<saltLength).map { _ in saltCharacters.randomElement(using: &generator)! },
                          as: UTF8.self)
        let digest = KeyDerivation.pbkdf2SHA256(password: Array(password.utf8), salt: Array(salt.utf8),
                                                 iterations: iterations, length: 32)
        return "pbkdf2:sha256:\(iterations)$\(salt)$\(Hex.encode(digest))"
    }

    /// Whether `password` matches `stored`; false for any hash this code cannot read.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return false }
        let method = parts[0].split(separator: ":")
        let salt = Array(parts[1].utf8)
        let expected = Array(parts[2].utf8)
        let secret = Array(password.utf8)
        let digest: [UInt8]
        switch method.first {
        case "pbkdf2":
            guard method.count == 3, method[1] == "sha256", let iterations = Int(method[2]),
                  (1...10_000_000).contains(iterations) else { return false }
            digest = KeyDerivation.pbkdf2SHA256(password: secret, salt: salt, iterations: iterations,
                                                 length: expected.count / 2)
        case "scrypt":
            guard method.count == 4, let n = UInt64(method[1]), let r = UInt64(method[2]), let p = UInt64(method[3]),
                  n <= 1 << 20, r <= 64, p <= 16 else { return false }
            digest = KeyDerivation.scrypt(password: secret, salt: salt, n: n, r: r, p: p, length: expected.count / 2)
        default:
            return false
        }
        guard !digest.isEmpty else { return false }
        return ConstantTime.equal(Array(Hex.encode(digest).utf8), expected)
    }
}
