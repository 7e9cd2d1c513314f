import Testing

/// The pieces of the schema snapshot test that do not need a database: the diff it prints and the
/// normalisations that keep each engine's catalog text stable.
@Suite("Schema snapshots: diff and normalisation")
struct SchemaNormalisationTests {
    @Test func diffShowsOnlyChangedLinesUnderTheirTable() {
        let expected = "# tracking: v\ntable a\n  column x integer\ntable b\n  column y text\n  index i (y)"
        let actual = "# tracking: v\ntable a\n  column x integer\ntable b\n  column y text not null\n  index i (y)"
        #expect(schemaDiff(expected: expected, actual: actual)
                == "@ table b\n-   column y text\n+   column y text not null")
    }

    @Test func aMissingTableIsItsOwnHeading() {
        let expected = "table a\n  column x integer\ntable b\n  column y text"
        #expect(schemaDiff(expected: expected, actual: "table a\n  column x integer")
                == "- table b\n-   column y text")
        #expect(schemaDiff(expected: expected, actual: expected) == "")
    }

    @Test func sqliteChecksAreReadFromTheStatementText() {
        let sql = """
            CREATE TABLE t (stage VARCHAR(32) NOT NULL DEFAULT 'a(' CHECK (stage IN ('a(', 'b)')),
                n INTEGER, CONSTRAINT positive CHECK(n > 0), unchecked INTEGER)
            """
        #expect(SQLiteSchemaReader.checkClauses(in: sql) == ["(stage IN ('a(', 'b)'))", "(n > 0)"])
    }

    @Test func engineSpellingsAreNormalised() {
        #expect(MySQLSchemaReader.normalisedType("bigint(20)") == "bigint")
        #expect(MySQLSchemaReader.normalisedType("int(10) unsigned") == "int unsigned")
        #expect(MySQLSchemaReader.normalisedType("varchar(256)") == "varchar(256)")
        #expect(PostgresSchemaReader.normalisedType("character varying(256)") == "varchar(256)")
        #expect(PostgresSchemaReader.normalisedType("character(64)") == "char(64)")
        #expect(PostgresSchemaReader.withoutCasts("'active'::character varying") == "'active'")
        #expect(PostgresSchemaReader.withoutCasts("0") == "0")
    }
}
