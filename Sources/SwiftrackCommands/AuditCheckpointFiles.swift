import Audit
import Foundation

/// The `--checkpoint` options of `audit verify` and `audit checkpoint`: repeatable (which
/// `Arguments` is not), each a checkpoint file or a directory of them (`--audit-checkpoint-dir`).
enum AuditCheckpointFiles {
    /// The `--checkpoint` values, and the other arguments for `Arguments`.
    static func splitOptions(_ arguments: [String]) throws(UsageError) -> (paths: [String], rest: [String]) {
        var paths: [String] = []
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--checkpoint" {
                guard index < arguments.count else { throw UsageError("--checkpoint needs a value") }
                paths.append(arguments[index])
                index += 1
            } else if argument.hasPrefix("--checkpoint=") {
                paths.append(String(argument.dropFirst("--checkpoint=".count)))
            } else {
                rest.append(argument)
            }
        }
        return (paths, rest)
    }

    /// Every checkpoint named: a file as given, a directory's `audit-checkpoint-*.json` files.
    /// A path that cannot be read or parsed stops the command: a checkpoint silently skipped
    /// would hide exactly the cut it was kept to reveal.
    static func load(_ paths: [String]) throws -> [AuditCheckpointClaim] {
        var claims: [AuditCheckpointClaim] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CommandFailure("no checkpoint file or directory at \(path)")
            }
            if isDirectory.boolValue {
                let names: [String]
                do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                    throw CommandFailure("cannot list the checkpoint directory \(path): \(error)")
                }
                let files = names.filter { $0.hasPrefix("audit-checkpoint-") && $0.hasSuffix(".json") }.sorted()
                guard !files.isEmpty else { throw CommandFailure("no audit-checkpoint-*.json file in \(path)") }
                for name in files { claims.append(try claim(path + "/" + name)) }
            } else {
                claims.append(try claim(path))
            }
        }
        return claims
    }

    private static func claim(_ file: String) throws -> AuditCheckpointClaim {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure("cannot read the checkpoint \(file)")
        }
        do {
            return AuditCheckpointClaim(source: file, checkpoint: try AuditCheckpoint.parse(String(decoding: data, as: UTF8.self)))
        } catch {
            throw CommandFailure("\(file): \(error)")
        }
    }
}
