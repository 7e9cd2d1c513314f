import TrackingCore

/// A refusal the client should repeat after `seconds`: answered as the error's JSON with a
/// `Retry-After` header, which the mlflow client honours on a 503 (it retries, by default seven
/// times, waiting as told). A move waiting for its version's seal uses it.
struct RetryLater: Error {
    let error: MLflowError
    let seconds: Int
}
