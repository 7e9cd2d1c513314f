import Testing

/// One schema truth across engines (issue 21): the snapshot tests hold each engine to its own
/// checked-in file; this holds the three files to each other. It reads the files, so it runs
/// without database servers (the snapshot tests make each file its engine's truth). A difference
/// is a bug, or a deliberate engine difference named in `CrossEngineSchemaComparison.Exception`.
@Suite("Schema across engines")
struct CrossEngineSchemaTests {
    static func snapshots() throws -> [(engine: TestEngine, facts: SnapshotFacts)] {
        try TestEngine.allCases.map { ($0, try SnapshotFacts(snapshot: try SchemaSnapshotFile.read($0))) }
    }

    @Test func theThreeEnginesHaveOneSchema() throws {
        var comparison = CrossEngineSchemaComparison(try Self.snapshots())
        let differences = comparison.differences()
        #expect(differences.isEmpty, "the engines' schemas differ:\n\(differences.joined(separator: "\n"))")
        // An exception nothing needs any more (a forward migration removed the difference) goes.
        let unused = Set(CrossEngineSchemaComparison.Exception.allCases).subtracting(comparison.used)
        #expect(unused.isEmpty, "exceptions no difference needs: \(unused.map(\.rawValue).sorted())")
    }

    /// The reading is not vacuous: every snapshot yields the same tables, and each reader's own
    /// spelling of a constraint comes out as the same fact.
    @Test func eachSnapshotIsReadIntoFacts() throws {
        let snapshots = try Self.snapshots()
        for (engine, facts) in snapshots {
            #expect(facts.tables.count == 51, "\(engine): \(facts.tables.count) tables")
            #expect(facts.tables["metrics"]?.primaryKey == ["run_uuid", "key", "step", "timestamp", "value", "is_nan"],
                    "\(engine)")
            #expect(facts.tables["runs"]?.indexes.contains(["start_time desc", "run_uuid"]) == true, "\(engine)")
            #expect(facts.tables["datasets"]?.uniques.contains(["experiment_id", "name", "digest"]) == true, "\(engine)")
            #expect(facts.tables["roles"]?.column("workspace")?.defaultValue == "'default'", "\(engine)")
            #expect(facts.tables["roles"]?.schema == "auth", "\(engine)")
            let cascade = facts.tables["model_version_tags"]?.foreignKeys.first
            #expect(cascade?.description
                    == "(name, version) references model_versions (name, version) on update cascade on delete cascade",
                    "\(engine)")
        }
        let mysql = try #require(snapshots.first { $0.engine == .mysql }?.facts)
        #expect(mysql.tables["params"]?.indexes.contains(["key", "value(200)"]) == true)
        #expect(mysql.tables["experiments"]?.column("experiment_id")
                == SnapshotFacts.Column(name: "experiment_id", type: "bigint", notNull: true, defaultValue: nil,
                                        extra: "auto_increment"))
    }

    /// A difference no exception covers is reported, named by engine pair, table and column.
    @Test func anUnnamedDifferenceIsReported() throws {
        var snapshots = try Self.snapshots()
        let postgres = try #require(snapshots.firstIndex { $0.engine == .postgres })
        var runs = try #require(snapshots[postgres].facts.tables["runs"])
        let name = try #require(runs.columns.firstIndex { $0.name == "user_id" })
        runs.columns[name].notNull = true
        runs.columns[name].type = "varchar(255)"
        runs.indexes.remove(["start_time desc", "run_uuid"])
        snapshots[postgres].facts.tables["runs"] = runs
        snapshots[postgres].facts.tables["webhooks"] = nil
        var comparison = CrossEngineSchemaComparison(snapshots)
        let differences = comparison.differences()
        #expect(differences.contains("sqlite/postgres: runs: column user_id: text(256) on sqlite, text(255) on postgres"))
        #expect(differences.contains("postgres/mysql: runs: column user_id: not null on postgres, nullable on mysql"))
        #expect(differences.contains("sqlite/postgres: runs: index (start_time desc, run_uuid) on sqlite only"))
        #expect(differences.contains("postgres/mysql: table webhooks exists on mysql only"))
        #expect(differences.count == 8, "\(differences.joined(separator: "\n"))")
    }

    @Test func typesFallIntoCategories() {
        #expect(ColumnTypeCategory(snapshotType: "double precision") == ColumnTypeCategory(snapshotType: "double"))
        #expect(ColumnTypeCategory(snapshotType: "int") == .integer)
        #expect(ColumnTypeCategory(snapshotType: "varchar(250)") == .boundedText(250))
        #expect(ColumnTypeCategory(snapshotType: "char(64)") == .fixedText(64))
        #expect(ColumnTypeCategory(snapshotType: "varchar") == nil)
    }
}
