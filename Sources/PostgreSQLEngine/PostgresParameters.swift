import CPostgres
import SQL
import TrackingCore

/// `SQLValue`s encoded for `PQexecPrepared`: text format, one NUL-terminated string per value
/// (a nil pointer for NULL), and the type each placeholder is prepared with.
///
/// Integers are declared `int8` and reals `float8`, so `value > ?` compares numerically and
/// `SELECT ?` yields a number. Text and NULL are declared 0 ("unknown"): the server infers the
/// type from the context (`name = ?` gives the column's type, a bare `SELECT ?` gives text).
/// A placeholder whose type no context decides (`? IS NULL` bound to NULL) fails to prepare with
/// SQLSTATE 42P18; write `CAST(? AS TEXT)` there.
struct PostgresParameters {
    static let int8: Oid = 20
    static let float8: Oid = 701

    /// The declared type of each placeholder, part of the prepared-statement cache key: the same
    /// SQL bound once with an integer and once with a real needs two prepared statements.
    let types: [Oid]
    /// Every non-NULL value, NUL-terminated, back to back.
    private let storage: [CChar]
    /// Where each value starts in `storage`; nil for NULL.
    private let offsets: [Int?]

    init(_ values: [SQLValue]) throws {
        var types: [Oid] = []
        var storage: [CChar] = []
        var offsets: [Int?] = []
        types.reserveCapacity(values.count)
        offsets.reserveCapacity(values.count)
        for value in values {
            switch value {
            case .null:
                types.append(0)
                offsets.append(nil)
                continue
            case .integer(let number):
                types.append(Self.int8)
                offsets.append(storage.count)
                Self.append(String(number), to: &storage)
            case .real(let number):
                types.append(Self.float8)
                offsets.append(storage.count)
                Self.append(Self.text(of: number), to: &storage)
            case .text(let text):
                guard !text.utf8.contains(0) else {
                    throw MLflowError.invalidParameter("PostgreSQL cannot store text containing the NUL character (\\u0000).")
                }
                types.append(0)
                offsets.append(storage.count)
                Self.append(text, to: &storage)
            }
            storage.append(0)
        }
        self.types = types
        self.storage = storage
        self.offsets = offsets
    }

    var count: Int32 { Int32(offsets.count) }

    /// Calls `body` with the `paramValues` array libpq wants (nil when there are no values);
    /// the pointers are valid only inside `body`.
    func withValuePointers<T>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?) throws -> T) rethrows -> T {
        guard !offsets.isEmpty else { return try body(nil) }
        return try storage.withUnsafeBufferPointer { buffer in
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                offset.map { buffer.baseAddress! + $0 }
            }
            return try pointers.withUnsafeBufferPointer { try body($0.baseAddress) }
        }
    }

    /// A double as float8 input text that reads back as the same double: Swift's shortest
    /// round-trip digits, and PostgreSQL's spellings of the non-finite values.
    static func text(of number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        return number.description
    }

    private static func append(_ text: String, to storage: inout [CChar]) {
        for byte in text.utf8 { storage.append(CChar(bitPattern: byte)) }
    }
}
