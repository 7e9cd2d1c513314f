/// Rewrites the `?` placeholders the stores write (SQLite style) into PostgreSQL's numbered
/// `$1, $2, ...`, in text order.
///
/// A `?` is a placeholder only in plain SQL: inside a single-quoted literal (`'?'`, `E'\'?'`), a
/// double-quoted identifier, a dollar-quoted string (`$$?$$`), a `--` comment or a `/* */`
/// comment it is left alone, so a literal question mark in SQL text survives. (PostgreSQL's jsonb
/// operators `?`, `?|` and `?&` cannot be written in such SQL; use `jsonb_exists` instead.)
enum PostgresPlaceholders {
    struct Rewritten: Sendable, Equatable {
        /// The SQL with `$n` placeholders.
        let sql: String
        /// How many placeholders it has (the number of values a call must bind).
        let count: Int
    }

    static func rewrite(_ sql: String) -> Rewritten {
        let input = Array(sql.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count + 16)
        var count = 0
        var index = 0
        let end = input.count

        /// Copies input[index..<stop] to the output and moves on.
        func copy(to stop: Int) {
            output.append(contentsOf: input[index..<stop])
            index = stop
        }

        while index < end {
            let byte = input[index]
            switch byte {
            case UInt8(ascii: "?"):
                count += 1
                output.append(UInt8(ascii: "$"))
                output.append(contentsOf: String(count).utf8)
                index += 1
            case UInt8(ascii: "'"):
                // E'...' strings take backslash escapes; standard strings only double the quote.
                let escapes = index > 0 && (input[index - 1] | 0x20) == UInt8(ascii: "e")
                    && (index < 2 || !isIdentifierByte(input[index - 2]))
                copy(to: quotedEnd(input, from: index, quote: UInt8(ascii: "'"), backslashEscapes: escapes))
            case UInt8(ascii: "\""):
                copy(to: quotedEnd(input, from: index, quote: UInt8(ascii: "\""), backslashEscapes: false))
            case UInt8(ascii: "-") where index + 1 < end && input[index + 1] == UInt8(ascii: "-"):
                var stop = index + 2
                while stop < end && input[stop] != UInt8(ascii: "\n") { stop += 1 }
                copy(to: stop)
            case UInt8(ascii: "/") where index + 1 < end && input[index + 1] == UInt8(ascii: "*"):
                copy(to: blockCommentEnd(input, from: index))
            case UInt8(ascii: "$") where index == 0 || !isIdentifierByte(input[index - 1]):
                if let stop = dollarQuotedEnd(input, from: index) {
                    copy(to: stop)
                } else {
                    copy(to: index + 1)
                }
            default:
                copy(to: index + 1)
            }
        }
        return Rewritten(sql: String(decoding: output, as: UTF8.self), count: count)
    }

    /// Letters, digits, `_`, `$` and any non-ASCII byte continue an identifier or keyword.
    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    /// The index just past the quote that closes the one at `from` (a doubled quote is part of
    /// the text); the end of input when it never closes.
    private static func quotedEnd(_ input: [UInt8], from: Int, quote: UInt8, backslashEscapes: Bool) -> Int {
        var index = from + 1
        while index < input.count {
            let byte = input[index]
            if backslashEscapes && byte == UInt8(ascii: "\\") {
                index += 2
            } else if byte == quote {
                if index + 1 < input.count && input[index + 1] == quote {
                    index += 2
                } else {
                    return index + 1
                }
            } else {
                index += 1
            }
        }
        return input.count
    }

    /// The index just past the `*/` that closes the comment at `from` (PostgreSQL nests them).
    private static func blockCommentEnd(_ input: [UInt8], from: Int) -> Int {
        var depth = 0
        var index = from
        while index + 1 < input.count {
            if input[index] == UInt8(ascii: "/") && input[index + 1] == UInt8(ascii: "*") {
                depth += 1
                index += 2
            } else if input[index] == UInt8(ascii: "*") && input[index + 1] == UInt8(ascii: "/") {
                depth -= 1
                index += 2
                if depth == 0 { return index }
            } else {
                index += 1
            }
        }
        return input.count
    }

    /// For `$tag$ ... $tag$` (tag empty or an identifier not starting with a digit), the index
    /// just past the closing delimiter; nil when the `$` at `from` opens no such string.
    private static func dollarQuotedEnd(_ input: [UInt8], from: Int) -> Int? {
        var index = from + 1
        if index < input.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[index]) { return nil }
        while index < input.count && input[index] != UInt8(ascii: "$") {
            guard isIdentifierByte(input[index]) else { return nil }
            index += 1
        }
        guard index < input.count else { return nil }
        let delimiter = input[from...index]
        var search = index + 1
        while search + delimiter.count <= input.count {
            if input[search] == UInt8(ascii: "$") && input[search..<(search + delimiter.count)].elementsEqual(delimiter) {
                return search + delimiter.count
            }
            search += 1
        }
        return input.count
    }
}
