import CPostgres
import SQL

/// How a result column's text is read, decided once per result from the column's type OID.
enum PostgresColumnKind: Sendable {
    /// int2, int4, int8.
    case integer
    /// float4, float8, numeric; "NaN", "Infinity" and "-Infinity" included.
    case real
    /// bool: reads as the integer 1 or 0, as SQLite stores booleans.
    case boolean
    /// Everything else, as the server's text.
    case text

    init(oid: Oid) {
        switch oid {
        case 20, 21, 23: self = .integer
        case 700, 701, 1700: self = .real
        case 16: self = .boolean
        default: self = .text
        }
    }

    /// The kind of each column of `result`.
    static func columns(of result: OpaquePointer) -> [PostgresColumnKind] {
        (0..<PQnfields(result)).map { PostgresColumnKind(oid: PQftype(result, $0)) }
    }
}

/// One row of a text-format `PGresult`, read in place; valid only while the result lives (inside
/// the `map` callback of `PostgresConnection.query`).
struct PostgresRow: SQLRow {
    let result: OpaquePointer
    let row: Int32
    let kinds: [PostgresColumnKind]

    func isNull(_ column: Int32) -> Bool { PQgetisnull(result, row, column) != 0 }

    func int64(_ column: Int32) -> Int64 {
        if kinds[Int(column)] == .integer, !isNull(column), let number = parseInteger(column) { return number }
        return BufferedSQLRow([value(column)]).int64(0)
    }

    func double(_ column: Int32) -> Double {
        if kinds[Int(column)] == .real, !isNull(column), let number = Self.parseReal(string(column)) { return number }
        return BufferedSQLRow([value(column)]).double(0)
    }

    /// The server's text for the column (booleans as "1"/"0"); NULL reads as "".
    func string(_ column: Int32) -> String {
        if isNull(column) { return "" }
        if kinds[Int(column)] == .boolean { return rawBytes(column).first == UInt8(ascii: "t") ? "1" : "0" }
        return String(decoding: rawBytes(column), as: UTF8.self)
    }

    func value(_ column: Int32) -> SQLValue {
        if isNull(column) { return .null }
        switch kinds[Int(column)] {
        case .integer:
            if let number = parseInteger(column) { return .integer(number) }
            return .text(string(column))
        case .real:
            let text = string(column)
            return Self.parseReal(text).map(SQLValue.real) ?? .text(text)
        case .boolean:
            return .integer(rawBytes(column).first == UInt8(ascii: "t") ? 1 : 0)
        case .text:
            return .text(string(column))
        }
    }

    /// The column's bytes as libpq holds them (no terminating NUL).
    private func rawBytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        let length = Int(PQgetlength(result, row, column))
        guard let start = PQgetvalue(result, row, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: UnsafeRawPointer(start).assumingMemoryBound(to: UInt8.self), count: length)
    }

    /// Decimal integer text to Int64 without making a String; nil on anything unexpected.
    private func parseInteger(_ column: Int32) -> Int64? {
        let bytes = rawBytes(column)
        guard !bytes.isEmpty else { return nil }
        let negative = bytes[0] == UInt8(ascii: "-")
        var index = negative ? 1 : 0
        guard index < bytes.count else { return nil }
        var number: Int64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            // Accumulate negatively so Int64.min fits.
            let (shifted, overflow1) = number.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(Int64(digit))
            guard !overflow1 && !overflow2 else { return nil }
            number = next
            index += 1
        }
        if negative { return number }
        return number == Int64.min ? nil : -number
    }

    /// float8/numeric output text to a Double, with PostgreSQL's spellings of the special values.
    static func parseReal(_ text: String) -> Double? {
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return Double(text)
        }
    }
}
