/// How requests to GCS are authorised.
public enum GCSCredentials: Sendable, Equatable {
    /// Unauthenticated requests: an emulator, or public buckets.
    case anonymous
    /// A service-account JSON key file, read when the first token is needed.
    case serviceAccountKeyFile(path: String)
    /// A service-account key already in memory.
    case serviceAccountKey(GCSServiceAccountKey)
}
