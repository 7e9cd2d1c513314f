/// Why a cryptographic operation failed: a key that cannot be used (the caller's input), or
/// libcrypto failing at its own work. Callers say what it means to them (a 400 for a configured
/// key, a refused token, a 500).
public enum CryptoError: Error, Sendable, Equatable {
    /// The key material is not a usable key of the kind asked for.
    case invalidKey(String)
    /// libcrypto could not do its part (allocation, signing).
    case libraryFailure(String)

    public var message: String {
        switch self {
        case .invalidKey(let reason), .libraryFailure(let reason): return reason
        }
    }
}
