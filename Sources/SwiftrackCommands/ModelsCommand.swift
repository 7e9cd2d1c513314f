import Foundation

/// `swiftrack models history|rollback|verify`: Swiftrack's registry history, rollback and the
/// verification of sealed versions, on a running server.
enum ModelsCommand {
    static let usage = """
        usage:
          swiftrack models history NAME [--tracking-uri URL]
          swiftrack models rollback NAME (--alias ALIAS | --stage STAGE) [--tracking-uri URL]
          swiftrack models verify NAME [VERSION] [--tracking-uri URL]

        The server defaults to $MLFLOW_TRACKING_URI, else http://127.0.0.1:5000; credentials are
        MLflow's: $MLFLOW_TRACKING_TOKEN, or $MLFLOW_TRACKING_USERNAME and $MLFLOW_TRACKING_PASSWORD.
        verify reads every file of the model's sealed versions (or of VERSION) from its store now and
        exits 1 when one does not match its seal, naming the files.
        """

    static func run(_ arguments: [String], environment: [String: String]) throws -> Int32 {
        let parsed = try Arguments(arguments, booleanFlags: ["help"])
        if parsed.has("help") { print(usage); return 0 }
        let verifying = parsed.positional.first == "verify"
        guard parsed.positional.count == 2 || (verifying && parsed.positional.count == 3) else {
            throw UsageError("models needs a subcommand and a model name\n\n\(usage)")
        }
        let name = parsed.positional[1]
        let client = try RegistryAPIClient(trackingURI: parsed.value(
            "tracking-uri", environment: environment, variables: ["MLFLOW_TRACKING_URI"]), environment: environment)
        switch parsed.positional[0] {
        case "verify":
            let version = parsed.positional.count == 3 ? parsed.positional[2] : nil
            let report = SealReport(name: name, versions: try client.verify(name: name, version: version))
            print(report.text)
            return report.passed ? 0 : 1
        case "history":
            let entries = try client.history(name: name)
            print(entries.isEmpty ? "No recorded stage or alias moves for '\(name)'." : HistoryTable.render(entries))
            return 0
        case "rollback":
            let alias = parsed.value("alias", environment: [:], variables: [])
            let stage = parsed.value("stage", environment: [:], variables: [])
            guard (alias == nil) != (stage == nil) else {
                throw UsageError("models rollback needs exactly one of --alias and --stage\n\n\(usage)")
            }
            let answer = try client.rollback(name: name, alias: alias, stage: stage)
            print(summary(answer, name: name, alias: alias, stage: stage))
            return 0
        default:
            throw UsageError("unknown models subcommand '\(parsed.positional[0])'\n\n\(usage)")
        }
    }

    /// What moved, one line per change, then where the alias or stage points now.
    static func summary(_ answer: [String: Any], name: String, alias: String?, stage: String?) -> String {
        let entries = answer["entries"] as? [[String: Any]] ?? []
        let version = (answer["model_version"] as? [String: Any])?["version"] as? String ?? "?"
        var lines: [String] = []
        if let alias {
            lines.append("Rolled back alias '\(alias)' of '\(name)': "
                + (entries.first.map(HistoryTable.change) ?? "?"))
            lines.append("'\(alias)' now points to version \(version).")
        } else {
            lines.append("Rolled back stage '\(stage ?? "")' of '\(name)':")
            for entry in entries {
                lines.append("  version \(entry["version"] as? String ?? "?"): \(HistoryTable.change(entry))")
            }
            lines.append("Version \(version) is in '\(stage ?? "")' now.")
        }
        return lines.joined(separator: "\n")
    }
}
