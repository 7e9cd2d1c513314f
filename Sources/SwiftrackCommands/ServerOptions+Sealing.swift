import API

/// `swiftrack server`'s sealed versions: how long a move into a protected stage or alias waits for
/// its version's seal before answering 503 with `Retry-After`, and how many bytes of checked copies
/// of sealed files downloads may hold at once (docs/REGISTRY.md, "Sealed versions").
extension ServerOptions {
    static let sealingFlags: Set<String> = ["seal-wait", "sealed-copy-bytes"]

    static let sealingHelp = """
          --seal-wait S                seconds a promotion waits for its version's seal (default 20,
                                       0-600); a longer seal answers 503 with Retry-After and the
                                       mlflow client repeats the request until the seal is done
                                       env SWIFTRACK_SEAL_WAIT
          --sealed-copy-bytes N        bytes of checked copies of sealed files that downloads hold
                                       in the staging folder at once (default 4294967296, 4 GiB; 0:
                                       no limit); past it a sealed download answers 503 with
                                       Retry-After, and one download is always let through
                                       env SWIFTRACK_SEALED_COPY_BYTES
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

    static func sealedCopyBytes(_ arguments: Arguments, environment: [String: String]) throws(UsageError) -> Int64 {
        guard let text = arguments.value("sealed-copy-bytes", environment: environment,
                                         variables: ["SWIFTRACK_SEALED_COPY_BYTES"]) else {
            return APIParts.defaultSealedCopyBytes
        }
        guard let bytes = Int64(text), bytes >= 0 else {
            throw UsageError("--sealed-copy-bytes must be a whole number of bytes (0: no limit), got '\(text)'")
        }
        return bytes
    }
}
