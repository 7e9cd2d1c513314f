/// The three engines' schemas compared with each other: the same tables, columns (in the same
/// order) of the same type category, nullability, default and key generation, the same primary
/// keys, unique column sets, indexes, foreign keys and number of checks. What differs on purpose is
/// named below, one exception each, applied before comparing; every other difference is reported.
/// `applied` records where each exception applied, so one that no longer matches anything shows up.
struct CrossEngineSchemaComparison {
    /// A deliberate engine difference: its name is what the comparison reports as used.
    enum Exception: String, CaseIterable, Sendable {
        /// PostgreSQL and MySQL tables that loaders read in insertion order carry an explicit
        /// generated `rowid` column, unique (`SQLDialect.insertionOrderColumn`); SQLite has one in
        /// every table implicitly, so its catalog shows none.
        case insertionOrderRowid
        /// SQLite lets a PRIMARY KEY column that is not an INTEGER rowid hold NULL unless declared
        /// NOT NULL (a documented quirk kept for compatibility), and the shipped SQLite migrations
        /// declare single text keys without it; an INTEGER PRIMARY KEY (rowid) cannot be NULL. The
        /// stores always give a key, so primary key columns are compared as not null.
        case sqliteNullablePrimaryKey
        /// SQLite stores every integer in up to 8 bytes whatever the declared name, so its
        /// `INTEGER` holds what a PostgreSQL/MySQL `BIGINT` holds. A SQLite `BIGINT` is still
        /// compared strictly (it states a 64-bit intent the other engines must match).
        case sqliteIntegerIs64Bit
        /// A SQLite `INTEGER PRIMARY KEY` without AUTOINCREMENT is a rowid alias: the store may
        /// give the value (the version tables, the audit head, where the other engines generate
        /// nothing) or let SQLite number the row (`experiments`, `registry_history`, where they have
        /// identity / AUTO_INCREMENT). SQLite then takes max + 1, so after the newest row is deleted
        /// (`swiftrack gc` of the newest experiment) its number is handed out again, which identity
        /// and AUTO_INCREMENT never do. MLflow's SQLite schema numbers experiments the same way, and
        /// AUTOINCREMENT cannot be added without rebuilding the table, which every run references.
        case sqliteRowidAlias
        /// MySQL caps an index entry (3072 bytes in InnoDB): the `params`/`tags` key-value indexes
        /// index a 200-character prefix of the 8000-character value. The prefix is dropped here.
        case mysqlIndexPrefixLength
        /// InnoDB creates an index on a foreign key's columns where no index starts with them.
        case mysqlForeignKeyIndex
        /// InnoDB reports RESTRICT for an action not given, which is NO ACTION elsewhere (the same
        /// for constraints that are not deferred, as none here are).
        case mysqlRestrictIsNoAction
        /// A PostgreSQL B-tree entry holds at most about 2700 bytes, which an 8000-character
        /// `params`/`tags` value exceeds: there the key-value index is on the key alone.
        case postgresKeyOnlyValueIndex
        /// The same limit where the value must be in the index (`trace_tags`' search index,
        /// migration 18): PostgreSQL indexes the expression `left(value, 200)`, the 200-character
        /// prefix MySQL's index holds. The expression is read as the column here.
        case postgresValuePrefixExpression
    }

    let schemas: [(engine: TestEngine, facts: SnapshotFacts)]
    /// Each exception as it applied: which, and where (engine, table, what).
    private(set) var applied: [(exception: Exception, place: String)] = []
    var used: Set<Exception> { Set(applied.map(\.exception)) }

    init(_ schemas: [(engine: TestEngine, facts: SnapshotFacts)]) {
        self.schemas = schemas
    }

    /// Every difference not covered by an exception, one line each, for every pair of engines.
    mutating func differences() -> [String] {
        // A copy: normalising records what it used in `self`, which must not overlap this read.
        let schemas = self.schemas
        var normalised: [(engine: TestEngine, tables: [String: SnapshotFacts.Table])] = []
        for schema in schemas {
            let tables = schema.facts.tables.mapValues { normalise($0, on: schema.engine) }
            normalised.append((engine: schema.engine, tables: tables))
        }
        var found: [String] = []
        for (index, left) in normalised.enumerated() {
            for right in normalised.dropFirst(index + 1) {
                let pair = "\(left.engine.rawValue)/\(right.engine.rawValue)"
                for name in Set(left.tables.keys).symmetricDifference(right.tables.keys).sorted() {
                    found.append("\(pair): table \(name) exists on \(left.tables[name] == nil ? right.engine : left.engine) only")
                }
                for name in Set(left.tables.keys).intersection(right.tables.keys).sorted() {
                    if let a = left.tables[name], let b = right.tables[name] {
                        found += compare(a, left.engine, b, right.engine).map { "\(pair): \(name): \($0)" }
                    }
                }
            }
        }
        return found
    }

    /// The exceptions that change an engine's facts before any comparison.
    private mutating func normalise(_ input: SnapshotFacts.Table, on engine: TestEngine) -> SnapshotFacts.Table {
        var table = input
        if engine != .sqlite, let rowid = table.column("rowid"), rowid.extra != nil {
            table.columns.removeAll { $0.name == "rowid" }
            table.uniques.remove(["rowid"])
            note(.insertionOrderRowid, engine, table.name, "rowid")
        }
        if engine == .sqlite {
            for index in table.columns.indices
            where table.primaryKey.contains(table.columns[index].name) && !table.columns[index].notNull {
                table.columns[index].notNull = true
                note(.sqliteNullablePrimaryKey, engine, table.name, table.columns[index].name)
            }
        }
        if engine == .mysql {
            table.indexes = Set(table.indexes.map { index in
                index.map { column in
                    guard column.hasSuffix(")"), let open = column.firstIndex(of: "(") else { return column }
                    note(.mysqlIndexPrefixLength, engine, input.name, column)
                    return String(column[..<open])
                }
            })
            let keys = Set(table.foreignKeys.map(\.columns))
            let implicit = table.indexes.filter { keys.contains($0) && !indexExistsElsewhere($0, table: table.name) }
            if !implicit.isEmpty {
                table.indexes.subtract(implicit)
                note(.mysqlForeignKeyIndex, engine, table.name, implicit.map { $0.joined(separator: ", ") }.sorted().joined(separator: "; "))
            }
            table.foreignKeys = Set(table.foreignKeys.map { key in
                var key = key
                if key.onUpdate == "restrict" { key.onUpdate = "no action"; note(.mysqlRestrictIsNoAction, engine, input.name, "on update") }
                if key.onDelete == "restrict" { key.onDelete = "no action"; note(.mysqlRestrictIsNoAction, engine, input.name, "on delete") }
                return key
            })
        }
        if engine == .postgres {
            table.indexes = Set(table.indexes.map { index in
                index.map { column in
                    guard column == "left((value)::text, 200)" else { return column }
                    note(.postgresValuePrefixExpression, engine, input.name, column)
                    return "value"
                }
            })
        }
        if engine == .postgres, ["params", "tags"].contains(table.name), table.indexes.contains(["key"]) {
            table.indexes.remove(["key"])
            table.indexes.insert(["key", "value"])
            note(.postgresKeyOnlyValueIndex, engine, table.name, "(key)")
        }
        return table
    }

    private mutating func note(_ exception: Exception, _ engine: TestEngine, _ table: String, _ what: String) {
        applied.append((exception, "\(engine) \(table) \(what)"))
    }

    private func indexExistsElsewhere(_ columns: [String], table: String) -> Bool {
        schemas.contains { $0.engine != .mysql && $0.facts.tables[table]?.indexes.contains(columns) == true }
    }

    private mutating func compare(_ a: SnapshotFacts.Table, _ engineA: TestEngine,
                                  _ b: SnapshotFacts.Table, _ engineB: TestEngine) -> [String] {
        var found: [String] = []
        let namesA = a.columns.map(\.name)
        let namesB = b.columns.map(\.name)
        if namesA != namesB {
            found.append("columns (\(namesA.joined(separator: ", "))) on \(engineA), "
                         + "(\(namesB.joined(separator: ", "))) on \(engineB)")
        }
        for columnA in a.columns {
            guard let columnB = b.column(columnA.name) else { continue }
            found += compare(columnA, engineA, columnB, engineB, table: a.name).map { "column \(columnA.name): \($0)" }
        }
        if a.primaryKey != b.primaryKey {
            found.append("primary key (\(a.primaryKey.joined(separator: ", "))) on \(engineA), "
                         + "(\(b.primaryKey.joined(separator: ", "))) on \(engineB)")
        }
        found += setDifference("unique", a.uniques, engineA, b.uniques, engineB)
        found += setDifference("index", a.indexes, engineA, b.indexes, engineB)
        found += setDifference("foreign key", Set(a.foreignKeys.map { [$0.description] }), engineA,
                               Set(b.foreignKeys.map { [$0.description] }), engineB)
        if a.checkCount != b.checkCount {
            found.append("\(a.checkCount) checks on \(engineA), \(b.checkCount) on \(engineB)")
        }
        return found
    }

    private mutating func compare(_ a: SnapshotFacts.Column, _ engineA: TestEngine,
                                  _ b: SnapshotFacts.Column, _ engineB: TestEngine, table: String) -> [String] {
        var found: [String] = []
        let typeA = ColumnTypeCategory(snapshotType: a.type)
        let typeB = ColumnTypeCategory(snapshotType: b.type)
        if typeA == nil { found.append("type \(a.type) on \(engineA) has no category") }
        if typeB == nil { found.append("type \(b.type) on \(engineB) has no category") }
        if let typeA, let typeB, typeA != typeB {
            if sqliteInteger(a, engineA, matches: typeB) || sqliteInteger(b, engineB, matches: typeA) {
                note(.sqliteIntegerIs64Bit, .sqlite, table, "\(a.name) against \(engineA == .sqlite ? engineB : engineA)")
            } else {
                found.append("\(typeA) on \(engineA), \(typeB) on \(engineB)")
            }
        }
        if a.notNull != b.notNull {
            found.append("\(a.notNull ? "not null" : "nullable") on \(engineA), \(b.notNull ? "not null" : "nullable") on \(engineB)")
        }
        if a.defaultValue != b.defaultValue {
            found.append("default \(a.defaultValue ?? "none") on \(engineA), \(b.defaultValue ?? "none") on \(engineB)")
        }
        let generatedA = Generation(a.extra)
        let generatedB = Generation(b.extra)
        if generatedA != generatedB {
            if generatedA == .rowidAlias || generatedB == .rowidAlias {
                note(.sqliteRowidAlias, .sqlite, table, "\(a.name) against \(engineA == .sqlite ? engineB : engineA)")
            } else {
                found.append("\(generatedA) on \(engineA), \(generatedB) on \(engineB)")
            }
        }
        return found
    }

    private func sqliteInteger(_ column: SnapshotFacts.Column, _ engine: TestEngine,
                               matches other: ColumnTypeCategory) -> Bool {
        engine == .sqlite && column.type == "integer" && other == .bigInteger
    }

    /// Whether the engine numbers the column's new rows itself, never handing a number out twice.
    private enum Generation: CustomStringConvertible {
        case generated, notGenerated, rowidAlias

        init(_ extra: String?) {
            switch extra {
            case "identity by default", "identity always", "auto_increment", "rowid autoincrement": self = .generated
            case "rowid": self = .rowidAlias
            default: self = .notGenerated
            }
        }

        var description: String {
            switch self {
            case .generated: return "generated"
            case .notGenerated: return "not generated"
            case .rowidAlias: return "rowid alias"
            }
        }
    }

    private func setDifference(_ kind: String, _ a: Set<[String]>, _ engineA: TestEngine,
                               _ b: Set<[String]>, _ engineB: TestEngine) -> [String] {
        let render = { (columns: [String]) in
            columns.count == 1 && columns[0].hasPrefix("(") ? columns[0] : "(\(columns.joined(separator: ", ")))"
        }
        return a.subtracting(b).map(render).sorted().map { "\(kind) \($0) on \(engineA) only" }
            + b.subtracting(a).map(render).sorted().map { "\(kind) \($0) on \(engineB) only" }
    }
}
