import CMariaDB
import SQL
import TrackingCore

/// The `MYSQL_BIND` array and value buffers for one run of a prepared statement's parameters.
/// Connector/C reads the buffers during `mysql_stmt_execute`, so they live as long as this object.
final class MySQLParameters {
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private let count: Int
    private var buffers: [UnsafeMutableRawPointer] = []

    init(_ values: [SQLValue]) throws {
        count = values.count
        binds = .allocate(capacity: max(1, count))
        binds.initialize(repeating: MYSQL_BIND(), count: max(1, count))
        for (index, value) in values.enumerated() {
            switch value {
            case .null:
                binds[index].buffer_type = MYSQL_TYPE_NULL
            case .integer(let number):
                binds[index].buffer_type = MYSQL_TYPE_LONGLONG
                binds[index].buffer = store(number)
                binds[index].buffer_length = 8
            case .real(let number):
                // DOUBLE columns cannot hold NaN or infinities (the server refuses or mangles them);
                // the stores encode those before binding, so one arriving here is a bug to report.
                guard number.isFinite else {
                    throw MLflowError.invalidParameter(
                        "MySQL cannot store the floating-point value \(number); store NaN and infinities encoded.")
                }
                binds[index].buffer_type = MYSQL_TYPE_DOUBLE
                binds[index].buffer = store(number)
                binds[index].buffer_length = 8
            case .text(let text):
                let bytes = Array(text.utf8)
                let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
                buffers.append(buffer)
                bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
                binds[index].buffer_type = MYSQL_TYPE_STRING
                binds[index].buffer = buffer
                // With `length` left NULL, Connector/C sends `buffer_length` bytes.
                binds[index].buffer_length = UInt(bytes.count)
            }
        }
    }

    deinit {
        binds.deinitialize(count: max(1, count))
        binds.deallocate()
        for buffer in buffers { buffer.deallocate() }
    }

    private func store<T>(_ value: T) -> UnsafeMutableRawPointer {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<T>.size,
                                                      alignment: MemoryLayout<T>.alignment)
        buffer.storeBytes(of: value, as: T.self)
        buffers.append(buffer)
        return buffer
    }
}

/// The `MYSQL_BIND` array and buffers that `mysql_stmt_fetch` fills for one result set, and the
/// conversion of each fetched row into `SQLValue`s.
///
/// Integer columns read as `.integer`, FLOAT/DOUBLE as `.real`, DECIMAL as `.real` (parsed from
/// its exact decimal text), NULL as `.null`, everything else as `.text` (invalid UTF-8 repaired).
/// String buffers are sized from each column's longest value in the stored result
/// (`STMT_ATTR_UPDATE_MAX_LENGTH`); a value that still does not fit is fetched again in full.
final class MySQLResultColumns {
    private enum Kind {
        case integer, unsignedBigInteger, real, decimal, text
    }

    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private let count: Int
    private let kinds: [Kind]
    private let lengths: UnsafeMutablePointer<UInt>
    private let nulls: UnsafeMutablePointer<my_bool>
    private let errors: UnsafeMutablePointer<my_bool>
    private var buffers: [UnsafeMutableRawPointer] = []

    init(fields: UnsafeMutablePointer<MYSQL_FIELD>, count: Int) {
        self.count = count
        let slots = max(1, count)
        binds = .allocate(capacity: slots)
        binds.initialize(repeating: MYSQL_BIND(), count: slots)
        lengths = .allocate(capacity: slots)
        lengths.initialize(repeating: 0, count: slots)
        nulls = .allocate(capacity: slots)
        nulls.initialize(repeating: 0, count: slots)
        errors = .allocate(capacity: slots)
        errors.initialize(repeating: 0, count: slots)
        var kinds: [Kind] = []
        for index in 0..<count {
            let field = fields[index]
            let kind = Self.kind(of: field)
            kinds.append(kind)
            let byteCount: Int
            switch kind {
            case .integer:
                binds[index].buffer_type = MYSQL_TYPE_LONGLONG
                binds[index].is_unsigned = field.flags & UInt32(UNSIGNED_FLAG) != 0 ? 1 : 0
                byteCount = 8
            case .real:
                binds[index].buffer_type = MYSQL_TYPE_DOUBLE
                byteCount = 8
            case .unsignedBigInteger, .decimal, .text:
                binds[index].buffer_type = MYSQL_TYPE_STRING
                // Room for the longest value plus a terminator; at least enough for any number or date.
                byteCount = max(64, Int(field.max_length) + 1)
            }
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 8)
            buffers.append(buffer)
            binds[index].buffer = buffer
            binds[index].buffer_length = UInt(byteCount)
            binds[index].length = lengths + index
            binds[index].is_null = nulls + index
            binds[index].error = errors + index
        }
        self.kinds = kinds
    }

    deinit {
        let slots = max(1, count)
        binds.deinitialize(count: slots)
        binds.deallocate()
        lengths.deallocate()
        nulls.deallocate()
        errors.deallocate()
        for buffer in buffers { buffer.deallocate() }
    }

    private static func kind(of field: MYSQL_FIELD) -> Kind {
        switch field.type {
        case MYSQL_TYPE_TINY, MYSQL_TYPE_SHORT, MYSQL_TYPE_LONG, MYSQL_TYPE_INT24, MYSQL_TYPE_YEAR:
            return .integer
        case MYSQL_TYPE_LONGLONG:
            // BIGINT UNSIGNED may exceed Int64.max: read its digits and decide per value.
            return field.flags & UInt32(UNSIGNED_FLAG) != 0 ? .unsignedBigInteger : .integer
        case MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE:
            return .real
        case MYSQL_TYPE_DECIMAL, MYSQL_TYPE_NEWDECIMAL:
            return .decimal
        default:
            return .text
        }
    }

    /// The values of the row `mysql_stmt_fetch` just filled in.
    func row(statement: UnsafeMutablePointer<MYSQL_STMT>) throws -> [SQLValue] {
        var values: [SQLValue] = []
        values.reserveCapacity(count)
        for index in 0..<count {
            if nulls[index] != 0 {
                values.append(.null)
                continue
            }
            switch kinds[index] {
            case .integer:
                values.append(.integer(binds[index].buffer.load(as: Int64.self)))
            case .real:
                values.append(.real(binds[index].buffer.load(as: Double.self)))
            case .unsignedBigInteger:
                let digits = try text(index, statement: statement)
                values.append(Int64(digits).map(SQLValue.integer) ?? .real(Double(digits) ?? 0))
            case .decimal:
                values.append(.real(Double(try text(index, statement: statement)) ?? 0))
            case .text:
                values.append(.text(try text(index, statement: statement)))
            }
        }
        return values
    }

    /// Column `index` of the current row as text, fetched again in full if it was truncated.
    private func text(_ index: Int, statement: UnsafeMutablePointer<MYSQL_STMT>) throws -> String {
        let length = Int(lengths[index])
        if length <= Int(binds[index].buffer_length) {
            return String(decoding: UnsafeRawBufferPointer(start: binds[index].buffer, count: length), as: UTF8.self)
        }
        let whole = UnsafeMutableRawPointer.allocate(byteCount: length, alignment: 1)
        defer { whole.deallocate() }
        var fetched: UInt = 0
        var bind = MYSQL_BIND()
        bind.buffer_type = MYSQL_TYPE_STRING
        bind.buffer = whole
        bind.buffer_length = UInt(length)
        let code = withUnsafeMutablePointer(to: &fetched) { fetchedLength in
            bind.length = fetchedLength
            return mysql_stmt_fetch_column(statement, &bind, UInt32(index), 0)
        }
        guard code == 0 else { throw MySQLErrors.error(statement: statement, context: "fetch column") }
        return String(decoding: UnsafeRawBufferPointer(start: whole, count: min(length, Int(fetched))), as: UTF8.self)
    }
}
