import Foundation

/// Milliseconds since the epoch, as MLflow stores times.
func currentTimeMillis() -> Int64 {
    Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
}
