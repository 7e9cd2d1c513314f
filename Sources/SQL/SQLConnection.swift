/// One open connection to a SQL engine. Used by one thread at a time: the database that owns it
/// (`SQLDatabase`) hands it out and takes it back, which is why implementations may be
/// `@unchecked Sendable`.
///
/// Statements use `?` placeholders in text order; an engine that numbers them (PostgreSQL's `$1`)
/// rewrites them itself. Values are always bound, never spliced into SQL text.
public protocol SQLConnection: AnyObject, Sendable {
    /// The SQL flavour this connection speaks.
    var dialect: SQLDialect { get }

    /// Runs SQL text with no bindings, for DDL, session settings and transaction control.
    /// Only SQLite accepts several statements in one call.
    func executeScript(_ sql: String) throws

    /// Runs one statement to completion; returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ bindings: [SQLValue]) throws -> Int

    /// Runs a query and maps each row (the row is valid only inside `map`).
    func query<T>(_ sql: String, _ bindings: [SQLValue], _ map: (any SQLRow) throws -> T) throws -> [T]

    /// Runs a query and maps its first row, if any.
    func queryFirst<T>(_ sql: String, _ bindings: [SQLValue], _ map: (any SQLRow) throws -> T) throws -> T?

    /// Runs an INSERT into a table whose integer key `keyColumn` the engine generates, and returns
    /// the key it generated (SQLite's rowid, PostgreSQL's `RETURNING`, MySQL's `LAST_INSERT_ID()`).
    func insertReturningKey(_ sql: String, _ bindings: [SQLValue], keyColumn: String) throws -> Int64

    /// Starts a transaction; `write` ones take write locks early where the engine allows
    /// (SQLite's `BEGIN IMMEDIATE`).
    func begin(write: Bool) throws
    func commit() throws
    func rollback() throws

    /// A cheap round trip that tells whether the connection still works.
    func isHealthy() -> Bool
}

extension SQLConnection {
    @discardableResult
    public func execute(_ sql: String) throws -> Int { try execute(sql, []) }

    public func query<T>(_ sql: String, _ map: (any SQLRow) throws -> T) throws -> [T] {
        try query(sql, [], map)
    }

    /// The first row of a query, for engines that read whole results anyway.
    public func queryFirst<T>(_ sql: String, _ bindings: [SQLValue], _ map: (any SQLRow) throws -> T) throws -> T? {
        var first: T?
        _ = try query(sql, bindings) { row -> Void in
            if first == nil { first = try map(row) }
        }
        return first
    }

    public func queryFirst<T>(_ sql: String, _ map: (any SQLRow) throws -> T) throws -> T? {
        try queryFirst(sql, [], map)
    }

    /// Runs `body` in a transaction, committing if it returns and rolling back if it throws.
    public func transaction<T>(write: Bool, _ body: () throws -> T) throws -> T {
        try begin(write: write)
        do {
            let result = try body()
            try commit()
            return result
        } catch {
            try? rollback()
            throw error
        }
    }

    /// " FOR UPDATE" where row locks exist, "" in SQLite (whose write transactions are already exclusive).
    /// Appended to the SELECT that reads the row a write depends on, so concurrent writers queue there.
    public var forUpdate: String { dialect == .sqlite ? "" : " FOR UPDATE" }
}

/// Read access to the current row of a query. Columns count from 0.
public protocol SQLRow {
    func isNull(_ column: Int32) -> Bool
    func int64(_ column: Int32) -> Int64
    func double(_ column: Int32) -> Double
    /// The column as text; NULL reads as "".
    func string(_ column: Int32) -> String
    /// The column as an `SQLValue` of its stored type.
    func value(_ column: Int32) -> SQLValue
}

extension SQLRow {
    public func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }
    public func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }
}

/// A row already read into values: what the client-server engines hand to `map`.
public struct BufferedSQLRow: SQLRow {
    public let values: [SQLValue]

    public init(_ values: [SQLValue]) { self.values = values }

    public func isNull(_ column: Int32) -> Bool { values[Int(column)] == .null }

    public func int64(_ column: Int32) -> Int64 {
        switch values[Int(column)] {
        case .integer(let number): return number
        case .real(let number): return number.isFinite ? Int64(exactly: number.rounded(.towardZero)) ?? 0 : 0
        case .text(let text): return Int64(text) ?? Double(text).flatMap { Int64(exactly: $0.rounded(.towardZero)) } ?? 0
        case .null: return 0
        }
    }

    public func double(_ column: Int32) -> Double {
        switch values[Int(column)] {
        case .integer(let number): return Double(number)
        case .real(let number): return number
        case .text(let text): return Double(text) ?? 0
        case .null: return 0
        }
    }

    public func string(_ column: Int32) -> String {
        switch values[Int(column)] {
        case .integer(let number): return String(number)
        case .real(let number): return String(number)
        case .text(let text): return text
        case .null: return ""
        }
    }

    public func value(_ column: Int32) -> SQLValue { values[Int(column)] }
}
