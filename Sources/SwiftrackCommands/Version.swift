/// Swiftrack's own version, and the MLflow client version whose wire contract it serves.
enum SwiftrackVersion {
    static let current = "0.1.0"
    static let mlflowCompatibility = "3.17.2"
}
