@testable import SQL
@testable import PostgreSQLEngine
import Testing
@testable import Storage
import TrackingCore

/// Values through `PostgresConnection`: bound as text with int8/float8 types, read back by column type.
@Suite("PostgreSQL values", .enabled(if: PostgresTestServer.adminURI != nil))
struct PostgresValueTests {
    @Test func int64ExtremesRoundTrip() throws {
        let connection = try PostgresTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (n BIGINT)")
        let values: [Int64] = [.min, .max, 0, -1, 1]
        for value in values { try connection.execute("INSERT INTO t (n) VALUES (?)", [.integer(value)]) }
        let read = try connection.query("SELECT n FROM t ORDER BY n") { row in row.int64(0) }
        #expect(read == values.sorted())
        let typed = try connection.query("SELECT n FROM t ORDER BY n") { row in row.value(0) }
        #expect(typed == values.sorted().map(SQLValue.integer))
        // A bare `SELECT ?` bound to an integer is int8, and comes back as one.
        #expect(try connection.queryFirst("SELECT ?", [.integer(.min)]) { $0.value(0) } == .integer(.min))
    }

    @Test func doublesRoundTripExactly() throws {
        let connection = try PostgresTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (id INTEGER, x DOUBLE PRECISION)")
        let values: [Double] = [0.1, 1e308, -1e-308, .leastNonzeroMagnitude, .pi, 1.0 / 3.0, 123456789.123456789,
                                .greatestFiniteMagnitude, -2.5]
        for (index, value) in values.enumerated() {
            try connection.execute("INSERT INTO t (id, x) VALUES (?, ?)", [.integer(Int64(index)), .real(value)])
        }
        let read = try connection.query("SELECT x FROM t ORDER BY id") { row in row.value(0) }
        #expect(read == values.map(SQLValue.real))
        #expect(try connection.query("SELECT x FROM t ORDER BY id") { $0.double(0) }.map(\.bitPattern)
            == values.map(\.bitPattern))
    }

    @Test func negativeZeroNaNAndInfinities() throws {
        let connection = try PostgresTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (id INTEGER, x DOUBLE PRECISION)")
        let values: [Double] = [-0.0, .nan, .infinity, -.infinity]
        for (index, value) in values.enumerated() {
            try connection.execute("INSERT INTO t (id, x) VALUES (?, ?)", [.integer(Int64(index)), .real(value)])
        }
        let read = try connection.query("SELECT x FROM t ORDER BY id") { $0.double(0) }
        #expect(read[0] == 0 && read[0].sign == .minus)
        #expect(read[1].isNaN)
        #expect(read[2] == .infinity)
        #expect(read[3] == -.infinity)
        // NaN sorts above every number in PostgreSQL, and is equal to itself there.
        #expect(try connection.queryFirst("SELECT count(*) FROM t WHERE x = ?", [.real(.nan)]) { $0.int64(0) } == 1)
        #expect(try connection.queryFirst("SELECT count(*) FROM t WHERE x > ?", [.real(1e308)]) { $0.int64(0) } == 2)
    }

    @Test func numericComparisonsWithBoundNumbers() throws {
        let connection = try PostgresTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (n BIGINT, x DOUBLE PRECISION, s VARCHAR(50))")
        for value in [1, 2, 10] {
            try connection.execute("INSERT INTO t (n, x, s) VALUES (?, ?, ?)",
                                   [.integer(Int64(value)), .real(Double(value)), .text(String(value))])
        }
        func count(_ sql: String, _ value: SQLValue) throws -> Int64? {
            try connection.queryFirst("SELECT count(*) FROM t WHERE \(sql)", [value]) { $0.int64(0) }
        }
        #expect(try count("x > ?", .real(1.5)) == 2)
        #expect(try count("x > ?", .integer(1)) == 2)
        #expect(try count("n > ?", .real(1.5)) == 2)
        #expect(try count("n >= ?", .integer(2)) == 2)
        // Text compares as text: "10" < "2".
        #expect(try count("s > ?", .text("10")) == 1)
        // The same SQL bound with different types is prepared once per type.
        #expect(try count("x = ?", .integer(2)) == 1)
        #expect(try count("x = ?", .real(2)) == 1)
        #expect(try count("x = ?", .text("10")) == 1)
        #expect(try count("x = ?", .null) == 0)
    }

    @Test func textWithUnicodeQuotesAndQuestionMarks() throws {
        let connection = try PostgresTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (id SERIAL PRIMARY KEY, \"what?\" TEXT, note TEXT)")
        let texts = ["héllo wörld 🌍 中文", "it's \"quoted\"", "? and ?? and $1", "back\\slash", "", "'?'",
                     String(repeating: "long ", count: 20_000)]
        for text in texts {
            try connection.execute("INSERT INTO t (\"what?\", note) VALUES (?, '?') -- a comment?", [.text(text)])
        }
        let read = try connection.query("SELECT \"what?\", note FROM t ORDER BY id") { row in
            (row.string(0), row.string(1))
        }
        #expect(read.map(\.0) == texts)
        #expect(read.allSatisfy { $0.1 == "?" })
        let literal = try connection.queryFirst("SELECT '?' AS literal, ? AS bound, 'it''s ?'", [.text("x?")]) { row in
            [row.string(0), row.string(1), row.string(2)]
        }
        #expect(literal == ["?", "x?", "it's ?"])
        // A bare `SELECT ?` bound to text is inferred as text.
        #expect(try connection.queryFirst("SELECT ?", [.text("ü")]) { $0.value(0) } == .text("ü"))
    }

    @Test func textWithNULIsRefused() throws {
        let connection = try PostgresTestServer.freshConnection()
        #expect(throws: MLflowError.self) {
            try connection.query("SELECT ?", [.text("a\u{0}b")]) { $0.string(0) }
        }
    }

    @Test func nullsAndBooleans() throws {
        let connection = try PostgresTestServer.freshConnection()
        try connection.executeScript("CREATE TABLE t (n BIGINT, x DOUBLE PRECISION, s TEXT, b BOOLEAN)")
        try connection.execute("INSERT INTO t VALUES (?, ?, ?, ?)", [.null, .null, .null, .null])
        try connection.execute("INSERT INTO t VALUES (?, ?, ?, ?)", [.integer(1), .real(1), .text("a"), .text("true")])
        let rows = try connection.query("SELECT n, x, s, b FROM t ORDER BY n NULLS FIRST") { row in
            (0..<4).map { row.value(Int32($0)) }
        }
        #expect(rows[0] == [.null, .null, .null, .null])
        #expect(rows[1] == [.integer(1), .real(1), .text("a"), .integer(1)])
        let optional = try connection.queryFirst("SELECT n, s FROM t WHERE n IS NULL") { row in
            (row.isNull(0), row.optionalInt64(0), row.optionalString(1), row.string(1))
        }
        #expect(optional?.0 == true && optional?.1 == nil && optional?.2 == nil && optional?.3 == "")
        #expect(try connection.queryFirst("SELECT false, NULL::int") { [$0.value(0), $0.value(1)] } == [.integer(0), .null])
    }
}
