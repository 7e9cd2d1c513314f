/// `swiftrack server`'s sealed versions: how long a move into a protected stage or alias waits for
/// its version's seal before answering 503 with `Retry-After` (docs/REGISTRY.md, "Sealed versions").
extension ServerOptions {
    static let sealingFlags: Set<String> = ["seal-wait"]

    static let sealingHelp = """
          --seal-wait S                seconds a promotion waits for its version's seal (default 20,
                                       0-600); a longer seal answers 503 with Retry-After and the
                                       mlflow client repeats the request until the seal is done
                                       env SWIFTRACK_SEAL_WAIT
        """

    static func sealWaitSeconds(_ arguments: Arguments, environment: [String: String]) throws(UsageError) -> Int {
        guard let text = arguments.value("seal-wait", environment: environment, variables: ["SWIFTRACK_SEAL_WAIT"]) else {
            return 20
        }
        guard let seconds = Int(text), (0...600).contains(seconds) else {
            throw UsageError("--seal-wait must be an integer in 0...600, got '\(text)'")
        }
        return seconds
    }
}
