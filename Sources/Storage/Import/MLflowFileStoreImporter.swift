import Foundation
public import SQL
import TrackingCore

/// Copies an MLflow file store (`./mlruns`: `<experiment>/meta.yaml`, `<experiment>/<run>/meta.yaml`,
/// `params/`, `metrics/`, `tags/`, `inputs/`, `<experiment>/datasets/`, `.trash/`, `models/`) into a
/// Swiftrack store, keeping every id. Logged models and traces of the file store are not copied.
///
/// Rows go to the destination in write transactions of about `batchSize` rows, parents before
/// children. Metric lines repeated exactly (same timestamp, value and step) are stored once, as
/// MLflow's database stores do, and counted as dropped.
public struct MLflowFileStoreImporter: Sendable {
    public let root: String
    public let destination: any SQLDatabase
    public var batchSize: Int

    public init(root: String, destination: any SQLDatabase, batchSize: Int = 1000) {
        self.root = root
        self.destination = destination
        self.batchSize = max(1, batchSize)
    }

    static let runStatuses = [1: "RUNNING", 2: "SCHEDULED", 3: "FINISHED", 4: "FAILED", 5: "KILLED"]
    static let notRuns: Set<String> = ["tags", "datasets", "models", "traces", "meta.yaml"]

    public func run() throws -> MLflowImportReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ImportSourceInvalid(description: "the file store \(root) is not a directory")
        }
        try destination.migrate()
        try MLflowImporter.checkEmpty(destination)
        let writer = BatchWriter(destination: destination, batchSize: batchSize)

        var experimentDirectories = Self.children(root).filter { $0 != "models" && $0 != ".trash" }
            .map { root + "/" + $0 }
        experimentDirectories += Self.children(root + "/.trash").map { root + "/.trash/" + $0 }
        var experiments: [(id: Int64, path: String)] = []
        for directory in experimentDirectories {
            guard let meta = Self.meta(directory) else { continue }
            guard let idText = MiniYAML.string(meta, "experiment_id"), let id = Int64(idText) else {
                throw ImportSourceInvalid(description: "\(directory)/meta.yaml has no integer experiment_id")
            }
            experiments.append((id, directory))
        }
        if experiments.contains(where: { $0.id == 0 }) {
            try destination.write { target in
                try target.execute("DELETE FROM experiment_tags WHERE experiment_id = 0")
                try target.execute("DELETE FROM experiments WHERE experiment_id = 0")
            }
        }
        for (id, directory) in experiments {
            guard let meta = Self.meta(directory) else { continue }
            let stage = MiniYAML.string(meta, "lifecycle_stage") ?? (directory.contains("/.trash/") ? "deleted" : "active")
            try writer.add("experiments", [.integer(id), Self.text(MiniYAML.string(meta, "name") ?? String(id)),
                                           Self.optionalText(MiniYAML.string(meta, "artifact_location")),
                                           .text(stage), Self.optionalInteger(MiniYAML.string(meta, "creation_time")),
                                           Self.optionalInteger(MiniYAML.string(meta, "last_update_time"))])
            for (key, value) in Self.keyValueFiles(directory + "/tags") {
                try writer.add("experiment_tags", [.integer(id), .text(key), .text(value)])
            }
            for datasetID in Self.children(directory + "/datasets") {
                guard let dataset = Self.meta(directory + "/datasets/" + datasetID) else { continue }
                try writer.add("datasets", [.text(datasetID), .integer(id),
                                            Self.text(MiniYAML.string(dataset, "name")),
                                            Self.text(MiniYAML.string(dataset, "digest")),
                                            Self.text(MiniYAML.string(dataset, "source_type")),
                                            Self.text(MiniYAML.string(dataset, "source")),
                                            Self.optionalText(MiniYAML.string(dataset, "schema")),
                                            Self.optionalText(MiniYAML.string(dataset, "profile"))])
            }
        }
        try writer.flush()

        for (id, directory) in experiments {
            var runDirectories: [String] = []
            for name in Self.children(directory) where !Self.notRuns.contains(name) {
                let runDirectory = directory + "/" + name
                guard let meta = Self.meta(runDirectory) else { continue }
                let runID = MiniYAML.string(meta, "run_uuid") ?? MiniYAML.string(meta, "run_id") ?? name
                let status = MiniYAML.string(meta, "status").flatMap { Int($0).flatMap { Self.runStatuses[$0] } ?? $0 }
                try writer.add("runs", [.text(runID), Self.optionalText(MiniYAML.string(meta, "run_name")), .integer(id),
                                        Self.optionalText(MiniYAML.string(meta, "user_id")),
                                        .text(status ?? "RUNNING"),
                                        Self.optionalInteger(MiniYAML.string(meta, "start_time")),
                                        Self.optionalInteger(MiniYAML.string(meta, "end_time")),
                                        Self.optionalInteger(MiniYAML.string(meta, "deleted_time")),
                                        Self.optionalText(MiniYAML.string(meta, "artifact_uri")),
                                        .text(MiniYAML.string(meta, "lifecycle_stage") ?? "active")])
                runDirectories.append(runDirectory + "\t" + runID)
            }
            try writer.flush()  // runs before their children
            for entry in runDirectories {
                let parts = entry.split(separator: "\t", maxSplits: 1).map(String.init)
                try copyRunChildren(parts[0], runID: parts[1], writer)
            }
        }
        try writer.flush()
        try copyRegistry(writer)
        try writer.flush()
        try MLflowImporter.resetKeyCounters(destination)
        return writer.report()
    }

    private func copyRunChildren(_ directory: String, runID: String, _ writer: BatchWriter) throws {
        for (key, value) in Self.keyValueFiles(directory + "/params") {
            try writer.add("params", [.text(runID), .text(key), .text(value)])
        }
        for (key, value) in Self.keyValueFiles(directory + "/tags") {
            try writer.add("tags", [.text(runID), .text(key), .text(value)])
        }
        for (key, text) in Self.keyValueFiles(directory + "/metrics") {
            var seen = Set<[Int64]>()
            var latest: (step: Int64, timestamp: Int64, value: Double, isNaN: Bool)?
            for line in text.split(whereSeparator: \.isNewline) {
                let fields = line.split(separator: " ")
                guard fields.count >= 2, let timestamp = Int64(fields[0]), let parsed = Double(fields[1]) else {
                    throw ImportSourceInvalid(description: "\(directory)/metrics/\(key): unreadable line '\(line)'")
                }
                let step = fields.count >= 3 ? Int64(fields[2]) ?? 0 : 0
                let isNaN = parsed.isNaN
                let value = isNaN ? 0 : (parsed.isInfinite ? (parsed > 0 ? Double.greatestFiniteMagnitude
                                                                        : -Double.greatestFiniteMagnitude) : parsed)
                writer.countRead("metrics")
                guard seen.insert([timestamp, Int64(bitPattern: value.bitPattern), step, isNaN ? 1 : 0]).inserted else {
                    writer.countDropped("metrics")
                    continue
                }
                try writer.add("metrics", [.text(runID), .text(key), .real(value), .integer(timestamp), .integer(step),
                                           .integer(isNaN ? 1 : 0)], counted: true)
                if let current = latest, (current.step, current.timestamp, current.value) >= (step, timestamp, value) {
                    continue
                }
                latest = (step, timestamp, value, isNaN)
            }
            if let latest {
                try writer.add("latest_metrics", [.text(runID), .text(key), .real(latest.value), .integer(latest.timestamp),
                                                  .integer(latest.step), .integer(latest.isNaN ? 1 : 0)])
            }
        }
        for inputID in Self.children(directory + "/inputs") {
            guard let input = Self.meta(directory + "/inputs/" + inputID) else { continue }
            try writer.add("inputs", [.text(inputID), Self.text(MiniYAML.string(input, "source_type")),
                                      Self.text(MiniYAML.string(input, "source_id")),
                                      .text(MiniYAML.string(input, "destination_type") ?? "RUN"),
                                      // The input lives under its run's directory; the file store's
                                      // destination_id field holds the dataset id, not the run's.
                                      .text(runID),
                                      Self.optionalInteger(MiniYAML.string(input, "step")) == .null
                                          ? .integer(0) : Self.optionalInteger(MiniYAML.string(input, "step"))])
            for (name, value) in MiniYAML.map(input, "tags").sorted(by: { $0.key < $1.key }) {
                try writer.add("input_tags", [.text(inputID), .text(name), .text(value ?? "")])
            }
        }
    }

    private func copyRegistry(_ writer: BatchWriter) throws {
        let models = root + "/models"
        for directoryName in Self.children(models) {
            let directory = models + "/" + directoryName
            guard let meta = Self.meta(directory) else { continue }
            let name = MiniYAML.string(meta, "name") ?? directoryName
            let versions = Self.children(directory).filter { $0.hasPrefix("version-") }
                .compactMap { Int64($0.dropFirst("version-".count)) }.sorted()
            try writer.add("registered_models", [.text(name), Self.optionalInteger(MiniYAML.string(meta, "creation_timestamp")),
                                                 Self.optionalInteger(MiniYAML.string(meta, "last_updated_timestamp")),
                                                 Self.optionalText(MiniYAML.string(meta, "description")),
                                                 .integer((versions.last ?? 0) + 1)])
            for (key, value) in Self.keyValueFiles(directory + "/tags") {
                try writer.add("registered_model_tags", [.text(name), .text(key), .text(value)])
            }
            for number in versions {
                let versionDirectory = directory + "/version-\(number)"
                guard let version = Self.meta(versionDirectory) else { continue }
                let string = { (key: String) in MiniYAML.string(version, key) }
                try writer.add("model_versions", [
                    .text(name), .integer(number), Self.optionalInteger(string("creation_timestamp")),
                    Self.optionalInteger(string("last_updated_timestamp")), Self.optionalText(string("description")),
                    Self.optionalText(string("user_id")), .text(string("current_stage") ?? "None"),
                    Self.optionalText(string("source")), Self.optionalText(string("storage_location")),
                    Self.optionalText(string("run_id")), Self.optionalText(string("run_link")),
                    .text(string("status") ?? "READY"), Self.optionalText(string("status_message")),
                    Self.optionalText(string("model_id")),
                ])
                for (key, value) in Self.keyValueFiles(versionDirectory + "/tags") {
                    try writer.add("model_version_tags", [.text(name), .integer(number), .text(key), .text(value)])
                }
            }
            var aliases = Self.keyValueFiles(directory + "/aliases").map { ($0.0, $0.1.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if aliases.isEmpty {
                aliases = MiniYAML.map(meta, "aliases").compactMap { key, value in value.map { (key, $0) } }.sorted { $0.0 < $1.0 }
            }
            for (alias, version) in aliases {
                guard let number = Int64(version) else { continue }
                try writer.add("registered_model_aliases", [.text(name), .text(alias), .integer(number)])
            }
        }
    }

    // MARK: - Files

    /// A directory's entries, sorted (hidden ones skipped); none when it does not exist.
    static func children(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") || $0 == ".trash" }
            .sorted()
    }

    static func meta(_ directory: String) -> [String: MiniYAML.Value]? {
        guard let data = FileManager.default.contents(atPath: directory + "/meta.yaml") else { return nil }
        return MiniYAML.parse(String(decoding: data, as: UTF8.self))
    }

    /// Every file under `directory` as (key, content): a key with `/` is a nested path.
    static func keyValueFiles(_ directory: String) -> [(String, String)] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [(String, String)] = []
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = directory + "/" + relative
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let data = FileManager.default.contents(atPath: path) else { continue }
            files.append((relative, String(decoding: data, as: UTF8.self)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    static func text(_ value: String?) -> SQLValue { .text(value ?? "") }
    static func optionalText(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
    static func optionalInteger(_ value: String?) -> SQLValue {
        guard let value, let number = Int64(value) else { return .null }
        return .integer(number)
    }
}

/// Buffers rows per table and writes them, parents first, in transactions of about `batchSize` rows.
final class BatchWriter: @unchecked Sendable {
    private let destination: any SQLDatabase
    private let batchSize: Int
    private var buffers: [String: [[SQLValue]]] = [:]
    private var buffered = 0
    private var read: [String: Int] = [:]
    private var written: [String: Int] = [:]
    private var dropped: [String: Int] = [:]

    init(destination: any SQLDatabase, batchSize: Int) {
        self.destination = destination
        self.batchSize = batchSize
    }

    func countRead(_ table: String) { read[table, default: 0] += 1 }
    func countDropped(_ table: String) { dropped[table, default: 0] += 1 }

    func add(_ table: String, _ row: [SQLValue], counted: Bool = false) throws {
        if !counted { read[table, default: 0] += 1 }
        buffers[table, default: []].append(row)
        buffered += 1
        if buffered >= batchSize { try flush() }
    }

    func flush() throws {
        guard buffered > 0 else { return }
        let pending = MLflowImportTables.all.compactMap { table -> (String, [String], [[SQLValue]])? in
            guard let rows = buffers[table.name], !rows.isEmpty else { return nil }
            return (table.name, table.columns.map(\.destination), rows)
        }
        let counts = try destination.write { connection -> [String: Int] in
            var counts: [String: Int] = [:]
            for (table, columns, rows) in pending {
                counts[table] = try MLflowImporter.insertRows(rows, into: table, columns: columns, connection)
            }
            return counts
        }
        for (table, count) in counts { written[table, default: 0] += count }
        buffers = [:]
        buffered = 0
    }

    func report() -> MLflowImportReport {
        var report = MLflowImportReport()
        for table in MLflowImportTables.all where !table.name.hasPrefix("logged_model") {
            report.tables.append(.init(name: table.name, read: read[table.name, default: 0],
                                       written: written[table.name, default: 0], skipped: nil,
                                       dropped: dropped[table.name, default: 0]))
        }
        return report
    }
}
