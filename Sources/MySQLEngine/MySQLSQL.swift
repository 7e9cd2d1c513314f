/// Rewrites of Swiftrack's SQL text that MySQL/MariaDB need before they will parse it.
enum MySQLSQL {
    /// Quotes the bare lowercase identifier `key` as `` `key` ``.
    ///
    /// MLflow's schema has columns named `key` (tags, params, metrics), a reserved word in MySQL,
    /// while SQLite and PostgreSQL take it bare. Swiftrack writes identifiers in lowercase and
    /// keywords in uppercase, so only the lowercase whole word is rewritten: `PRIMARY KEY` and
    /// `ON DUPLICATE KEY UPDATE` stay. String literals (single or double quotes, where a backslash
    /// escapes the next character as in MySQL's default SQL mode), backtick-quoted identifiers and
    /// comments are copied unchanged, and so are longer words such as `tag_key` or `keys`.
    static func quotingReservedIdentifiers(_ sql: String) -> String {
        // Fast path: most statements have no `key` at all.
        guard sql.contains("key") else { return sql }
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let end: Int
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "`") {
                end = endOfQuoted(bytes, from: index)
            } else if let commentEnd = endOfComment(bytes, from: index) {
                end = commentEnd
            } else if isWordByte(byte) {
                end = bytes[index...].firstIndex { !isWordByte($0) } ?? bytes.count
                if bytes[index..<end].elementsEqual("key".utf8) {
                    out.append(contentsOf: "`key`".utf8)
                    index = end
                    continue
                }
            } else {
                end = index + 1
            }
            out.append(contentsOf: bytes[index..<end])
            index = end
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The index just past the quoted run starting at `start` (or the end, if it never closes).
    /// A doubled quote character stands for itself; in string literals a backslash escapes too.
    private static func endOfQuoted(_ bytes: [UInt8], from start: Int) -> Int {
        let quote = bytes[start]
        var index = start + 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") && quote != UInt8(ascii: "`") {
                index += 2
                continue
            }
            if byte == quote {
                if index + 1 < bytes.count && bytes[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return bytes.count
    }

    /// The index just past the comment starting at `start` (`-- ` or `#` to the end of the line,
    /// `/* ... */`), or nil if no comment starts there. Comments are copied unchanged so that a
    /// quote in one (`-- don't`) cannot swallow the rest of the statement.
    private static func endOfComment(_ bytes: [UInt8], from start: Int) -> Int? {
        func at(_ offset: Int) -> UInt8? { start + offset < bytes.count ? bytes[start + offset] : nil }
        let lineComment = at(0) == UInt8(ascii: "#")
            || (at(0) == UInt8(ascii: "-") && at(1) == UInt8(ascii: "-")
                && (at(2) == nil || at(2) == UInt8(ascii: " ") || at(2) == UInt8(ascii: "\t")
                    || at(2) == UInt8(ascii: "\n")))
        if lineComment {
            return bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        }
        guard at(0) == UInt8(ascii: "/"), at(1) == UInt8(ascii: "*") else { return nil }
        var index = start + 2
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/") { return index + 2 }
            index += 1
        }
        return bytes.count
    }

    /// Bytes that continue an unquoted identifier: ASCII letters, digits, `_`, `$` and any
    /// non-ASCII byte (MySQL allows Unicode identifiers).
    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "$"):
            return true
        default:
            return byte >= 0x80
        }
    }
}
