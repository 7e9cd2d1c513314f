import COpenSSL

/// A message digest computed incrementally with libcrypto's EVP interface (SHA-256, MD5).
/// One instance per computation, used from one thread.
public final class Digest {
    /// The hash functions the artifact stores need.
    public enum Algorithm: Sendable {
        case sha256
        case md5
    }

    private let context: OpaquePointer?
    private var finished = false

    public init(_ algorithm: Algorithm) {
        context = EVP_MD_CTX_new()
        let md = algorithm == .sha256 ? EVP_sha256() : EVP_md5()
        if EVP_DigestInit_ex(context, md, nil) != 1 { finished = true }
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update(UnsafeRawBufferPointer($0)) }
    }

    public func update(_ buffer: UnsafeRawBufferPointer) {
        guard !finished, let base = buffer.baseAddress, buffer.count > 0 else { return }
        _ = EVP_DigestUpdate(context, base, buffer.count)
    }

    /// The digest; the instance cannot be updated afterwards.
    public func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard !finished else { return [] }
        finished = true
        guard EVP_DigestFinal_ex(context, &out, &length) == 1 else { return [] }
        return Array(out.prefix(Int(length)))
    }
}

/// SHA-256 helpers used by SigV4 and by tests.
public enum SHA256 {
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        let digest = Digest(.sha256)
        digest.update(bytes)
        return digest.finalize()
    }

    public static func hex(_ bytes: [UInt8]) -> String { Hex.encode(hash(bytes)) }

    public static func hex(_ text: String) -> String { hex(Array(text.utf8)) }
}

/// MD5, only for the `Content-MD5` header S3 requires on DeleteObjects.
public enum MD5 {
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        let digest = Digest(.md5)
        digest.update(bytes)
        return digest.finalize()
    }
}
