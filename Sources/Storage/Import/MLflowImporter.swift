public import SQL
import TrackingCore

/// Rows read from the source and written to the destination, per table.
public struct MLflowImportReport: Sendable {
    public struct Table: Sendable {
        public let name: String
        public let read: Int
        public let written: Int
        /// Why the table was not copied (absent from the source), if it was not.
        public let skipped: String?
        /// Rows read but deliberately not written (a file store's exactly repeated metric lines).
        public let dropped: Int
        public var matches: Bool { read == written + dropped }

        init(name: String, read: Int, written: Int, skipped: String?, dropped: Int = 0) {
            self.name = name
            self.read = read
            self.written = written
            self.skipped = skipped
            self.dropped = dropped
        }
    }

    public internal(set) var tables: [Table] = []

    /// True when every table wrote exactly the rows it read.
    public var succeeded: Bool { tables.allSatisfy(\.matches) }

    public func count(_ table: String) -> (read: Int, written: Int)? {
        tables.first { $0.name == table }.map { ($0.read, $0.written) }
    }

    /// A small fixed-width table: table, read, written, status.
    public var rendered: String {
        let width = max(24, (tables.map(\.name.count).max() ?? 0) + 2)
        func pad(_ text: String, _ length: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, length - text.count))
            return left ? fill + text : text + fill
        }
        var lines = [pad("table", width) + pad("read", 12, left: true) + pad("written", 12, left: true) + "  status"]
        for table in tables {
            var status = table.skipped.map { "skipped (\($0))" } ?? (table.matches ? "ok" : "MISMATCH")
            if table.dropped > 0 { status += " (\(table.dropped) exact duplicates stored once)" }
            lines.append(pad(table.name, width) + pad(String(table.read), 12, left: true)
                         + pad(String(table.written), 12, left: true) + "  " + status)
        }
        return lines.joined(separator: "\n")
    }
}

/// The destination already holds tracking data: an import only fills an empty store.
public struct ImportDestinationNotEmpty: Error, CustomStringConvertible, Sendable {
    public let details: String
    public var description: String {
        "the destination store is not empty (\(details)); import only into a new, empty Swiftrack store"
    }
}

/// The source is not an MLflow database this importer understands.
public struct ImportSourceInvalid: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Copies an MLflow database (any engine, at MLflow's latest schema) into a Swiftrack store,
/// keeping every id: experiment ids, run uuids, model names and versions, logged model ids.
///
/// The source is read in one read transaction (one snapshot); the destination is written in
/// transactions of `batchSize` rows, with multi-row INSERTs.
public struct MLflowImporter: Sendable {
    public let source: any SQLDatabase
    public let destination: any SQLDatabase
    public var batchSize: Int

    public init(source: any SQLDatabase, destination: any SQLDatabase, batchSize: Int = 1000) {
        self.source = source
        self.destination = destination
        self.batchSize = max(1, batchSize)
    }

    /// Creates the destination schema, checks it is empty, copies every table and fixes the
    /// destination's generated-key counters. `progress` hears one line per table.
    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> MLflowImportReport {
        try destination.migrate()
        try Self.checkEmpty(destination)
        let destination = self.destination
        let batchSize = self.batchSize
        let report = try source.read { connection -> MLflowImportReport in
            guard try Self.columns(connection, "experiments") != nil, try Self.columns(connection, "runs") != nil else {
                throw ImportSourceInvalid(description: "the source database has no MLflow tables (experiments, runs)")
            }
            var report = MLflowImportReport()
            if try connection.queryFirst("SELECT COUNT(*) FROM experiments WHERE experiment_id = 0", { $0.int64(0) }) ?? 0 > 0 {
                // The source's Default experiment replaces the one a fresh store creates.
                try destination.write { target in
                    try target.execute("DELETE FROM experiment_tags WHERE experiment_id = 0")
                    try target.execute("DELETE FROM experiments WHERE experiment_id = 0")
                }
            }
            for table in MLflowImportTables.all {
                guard let available = try Self.columns(connection, table.name) else {
                    if table.optionalTable {
                        report.tables.append(.init(name: table.name, read: 0, written: 0, skipped: "not in the source"))
                        progress("\(table.name): not in the source, skipped")
                        continue
                    }
                    throw ImportSourceInvalid(description: "the source database has no table \(table.name)")
                }
                let columns = table.columns.filter {
                    !table.optionalColumns.contains($0.destination) || available.contains($0.destination)
                }
                let counts = try Self.copy(table, columns: columns, from: connection, to: destination,
                                           batchSize: batchSize)
                report.tables.append(.init(name: table.name, read: counts.read, written: counts.written, skipped: nil))
                progress("\(table.name): read \(counts.read), wrote \(counts.written)")
            }
            return report
        }
        try Self.resetKeyCounters(destination)
        return report
    }

    // MARK: - Steps

    /// Refuses a destination with anything but the Default experiment.
    static func checkEmpty(_ database: any SQLDatabase) throws {
        let found = try database.read { connection -> [String] in
            var found: [String] = []
            let experiments = try connection.queryFirst(
                "SELECT COUNT(*) FROM experiments WHERE experiment_id <> 0", { $0.int64(0) }) ?? 0
            if experiments > 0 { found.append("\(experiments) experiments besides Default") }
            for table in MLflowImportTables.mustBeEmpty {
                let rows = try connection.queryFirst("SELECT COUNT(*) FROM \(table)", { $0.int64(0) }) ?? 0
                if rows > 0 { found.append("\(rows) rows in \(table)") }
            }
            return found
        }
        if !found.isEmpty { throw ImportDestinationNotEmpty(details: found.joined(separator: ", ")) }
    }

    /// The source table's column names, or nil when the table does not exist.
    static func columns(_ connection: any SQLConnection, _ table: String) throws -> Set<String>? {
        let names: [String]
        switch connection.dialect {
        case .sqlite:
            names = try connection.query("SELECT name FROM pragma_table_info(?)", [.text(table)]) { $0.string(0) }
        case .postgres:
            names = try connection.query(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?",
                [.text(table)]) { $0.string(0) }
        case .mysql:
            names = try connection.query(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?",
                [.text(table)]) { $0.string(0) }
        }
        return names.isEmpty ? nil : Set(names.map { $0.lowercased() })
    }

    /// Copies one table page by page: SQLite sources by rowid (insertion order, which the
    /// destination keeps), the others by primary key.
    static func copy(_ table: MLflowImportTable, columns: [(destination: String, source: String)],
                     from connection: any SQLConnection, to destination: any SQLDatabase,
                     batchSize: Int) throws -> (read: Int, written: Int) {
        let selectList = columns.map(\.source).joined(separator: ", ")
        let width = columns.count
        var read = 0
        var written = 0
        if connection.dialect == .sqlite {
            var lastRowid = Int64.min
            while true {
                var rows: [[SQLValue]] = []
                _ = try connection.query(
                    "SELECT rowid, \(selectList) FROM \(table.name) WHERE rowid > ? ORDER BY rowid LIMIT ?",
                    [.integer(lastRowid), .integer(Int64(batchSize))]) { row -> Void in
                        lastRowid = row.int64(0)
                        rows.append((0..<width).map { row.value(Int32($0 + 1)) })
                    }
                if rows.isEmpty { break }
                read += rows.count
                written += try insert(rows, into: table.name, columns: columns.map(\.destination), destination)
                if rows.count < batchSize { break }
            }
        } else {
            var offset = 0
            let orderBy = table.order.joined(separator: ", ")
            while true {
                let rows = try connection.query(
                    "SELECT \(selectList) FROM \(table.name) ORDER BY \(orderBy) LIMIT ? OFFSET ?",
                    [.integer(Int64(batchSize)), .integer(Int64(offset))]) { row in
                        (0..<width).map { row.value(Int32($0)) }
                    }
                if rows.isEmpty { break }
                read += rows.count
                offset += rows.count
                written += try insert(rows, into: table.name, columns: columns.map(\.destination), destination)
                if rows.count < batchSize { break }
            }
        }
        return (read, written)
    }

    /// Inserts `rows` in one write transaction. Returns the rows inserted.
    static func insert(_ rows: [[SQLValue]], into table: String, columns: [String],
                       _ destination: any SQLDatabase) throws -> Int {
        let batch = rows
        return try destination.write { connection in
            try insertRows(batch, into: table, columns: columns, connection)
        }
    }

    /// Inserts `rows` several per statement (at most ~900 bound values each, under every engine's
    /// limit) on a connection already in a transaction. Returns the rows inserted.
    static func insertRows(_ rows: [[SQLValue]], into table: String, columns: [String],
                           _ connection: any SQLConnection) throws -> Int {
        let perStatement = max(1, min(200, 900 / max(1, columns.count)))
        let rowPlaceholder = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let prefix = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        var inserted = 0
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + perStatement)
            let sql = prefix + Array(repeating: rowPlaceholder, count: end - start).joined(separator: ", ")
            inserted += try connection.execute(sql, Array(rows[start..<end].joined()))
            start = end
        }
        return inserted
    }

    /// After explicit ids were inserted, the engines' generators must continue past them.
    static func resetKeyCounters(_ database: any SQLDatabase) throws {
        guard database.dialect != .sqlite else { return }  // SQLite keys follow max(rowid) by themselves.
        try database.withConnection { connection in
            for (table, column) in [("experiments", "experiment_id"), ("registry_history", "entry_id")] {
                let maximum = try connection.queryFirst("SELECT COALESCE(MAX(\(column)), 0) FROM \(table)") {
                    $0.int64(0)
                } ?? 0
                switch connection.dialect {
                case .postgres:
                    // setval(seq, n, true) continues at n + 1; an empty table restarts at 1.
                    let called = maximum >= 1 ? "true" : "false"
                    _ = try connection.queryFirst(
                        "SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), ?, \(called))",
                        [.integer(max(maximum, 1))]) { $0.int64(0) }
                case .mysql:
                    // DDL takes no bound values; the number is ours, formatted from an Int64.
                    try connection.executeScript("ALTER TABLE \(table) AUTO_INCREMENT = \(maximum + 1)")
                case .sqlite:
                    break
                }
            }
        }
    }
}
