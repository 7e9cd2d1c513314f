import Foundation
import Storage

/// The composition root's entry: reads the command and hands it to its command, which wires the
/// parts it needs. The executable's `main.swift` only calls `run`, so every command stays testable.
public enum SwiftrackCommandLine {
    static let usage = """
        swiftrack \(SwiftrackVersion.current): an MLflow-compatible tracking server (MLflow \(SwiftrackVersion.mlflowCompatibility) client API)

        usage:
          swiftrack server [options]        run the tracking server (see `swiftrack server --help`)
          swiftrack db upgrade [URI | --backend-store-uri URI]
                                            apply pending schema migrations and exit
          swiftrack import --from (SOURCE_URI | MLRUNS_DIR) [--to DEST_URI | --backend-store-uri DEST_URI]
                                            copy an MLflow database or file store (keeping ids) into a new store
          swiftrack gc [--backend-store-uri URI] [--artifacts-destination URI] [--older-than AGE] [--dry-run]
                       [--run-ids IDS] [--experiment-ids IDS] [--logged-model-ids IDS]
                                            permanently delete deleted runs, logged models and experiments with their artifacts
          swiftrack backup --backend-store-uri sqlite:///PATH --output FILE [--artifacts-destination DIR] [--force]
                                            an online, consistent copy of a SQLite store (and its local artifacts)
          swiftrack restore --input FILE --backend-store-uri sqlite:///PATH [--artifacts-destination DIR] [--force]
                                            put a backup in place, refusing a non-empty target unless --force
          swiftrack models history NAME [--tracking-uri URL]
                                            a registered model's recorded stage and alias moves
          swiftrack models rollback NAME (--alias ALIAS | --stage STAGE) [--tracking-uri URL]
                                            move an alias or a stage back to its previous version
          swiftrack users (create|password|admin|delete|list) ... [--auth-config PATH]
          swiftrack roles (create|grant|assign|unassign|delete|list) ... [--auth-config PATH]
          swiftrack groups (create|add|remove|assign|unassign|delete|list) ... [--auth-config PATH]
                                            manage users, roles, groups and grants in the auth database
          swiftrack audit (verify|export) ... [--audit-db-uri URI]
                                            check the audit log's hash chain, or export its records as JSON lines
          swiftrack --version               print the version
          swiftrack --help                  print this help
        """

    /// Runs the command `arguments` (without the program name) names; the process exit status.
    public static func run(_ arguments: [String], environment: [String: String]) -> Int32 {
        guard let command = arguments.first else { print(usage); return 0 }
        do {
            switch command {
            case "--version", "-V", "version":
                print("swiftrack \(SwiftrackVersion.current)")
                return 0
            case "--help", "-h", "help":
                print(usage)
                return 0
            case "server":
                let parsed = try Arguments(Array(arguments.dropFirst()), booleanFlags: ServerOptions.booleanFlags)
                if parsed.has("help") { print(ServerOptions.help); return 0 }
                return try ServerCommand.run(ServerOptions(arguments: parsed, environment: environment))
            case "db":
                let parsed = try Arguments(Array(arguments.dropFirst()), booleanFlags: ServerOptions.booleanFlags)
                guard parsed.positional.first == "upgrade", parsed.positional.count <= 2, !parsed.has("help") else {
                    print("usage: swiftrack db upgrade [URI | --backend-store-uri URI]")
                    return parsed.has("help") ? 0 : 2
                }
                var options = try ServerOptions(arguments: parsed, environment: environment)
                if parsed.positional.count == 2 { options.backendStoreURI = parsed.positional[1] }
                let opened = try DatabaseComposition.open(options.backendStoreURI, poolSize: 1,
                                                          poolTimeoutSeconds: options.dbPoolTimeoutSeconds, readers: 1)
                let applied = try opened.database.migrate()
                opened.close()
                print(applied.isEmpty
                      ? "schema is up to date at version \(TrackingMigrations.latest) (\(opened.description))"
                      : "applied migrations \(applied.map(String.init).joined(separator: ", ")) to \(opened.description)")
                return 0
            case "import":
                return try ImportCommand.run(Array(arguments.dropFirst()), environment: environment)
            case "gc":
                return try GCCommand.run(Array(arguments.dropFirst()), environment: environment)
            case "backup":
                return try BackupCommand.runBackup(Array(arguments.dropFirst()), environment: environment)
            case "restore":
                return try BackupCommand.runRestore(Array(arguments.dropFirst()), environment: environment)
            case "models":
                return try ModelsCommand.run(Array(arguments.dropFirst()), environment: environment)
            case "users", "roles", "groups":
                return try AccessCommand.run(command, Array(arguments.dropFirst()), environment: environment)
            case "audit":
                return try AuditCommand.run(Array(arguments.dropFirst()), environment: environment)
            default:
                throw UsageError("unknown command '\(command)'")
            }
        } catch let error as CommandFailure {
            FileHandle.standardError.write(Data("swiftrack: \(error)\n".utf8))
            return 1
        } catch let error as UsageError {
            FileHandle.standardError.write(Data("swiftrack: \(error)\n\n\(usage)\n".utf8))
            return 2
        } catch {
            FileHandle.standardError.write(Data("swiftrack: \(error)\n".utf8))
            return 1
        }
    }
}
