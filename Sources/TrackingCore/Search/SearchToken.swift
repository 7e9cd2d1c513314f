/// One lexical token of a filter or order_by string; `text` is its source text, for error messages.
struct SearchToken: Sendable, Equatable {
    /// One dot-separated part of an identifier; `quote` is the quote it was written in, if any.
    struct Segment: Sendable, Equatable {
        var text: String
        var quote: Character?
    }

    enum Kind: Sendable, Equatable {
        /// A name, possibly dotted and quoted: metrics.`my metric`, tags."a.b", status, "run name".
        case identifier([Segment])
        /// A grammar word (uppercased): AND OR NOT IN LIKE ILIKE IS NULL.
        case keyword(String)
        /// A single-quoted literal; the text between the quotes, unmodified (as MLflow keeps it).
        case string(String)
        case number(isInteger: Bool)
        /// =, ==, !=, <>, <, <=, >, >=
        case comparison(String)
        case leftParen
        case rightParen
        case comma
        case semicolon
        /// Anything the grammar has no place for (kept so the error can quote it).
        case other
    }

    var kind: Kind
    var text: String
    /// Offsets (in characters) of the token in the source.
    var start: Int
    var end: Int

    var isAnd: Bool { kind == .keyword("AND") }

    /// A single unquoted word (used for ASC/DESC in order_by).
    var bareWord: String? {
        guard case .identifier(let segments) = kind, segments.count == 1, segments[0].quote == nil else { return nil }
        return segments[0].text
    }

    /// A single double-quoted segment, which MLflow (sqlparse) also accepts as a string value.
    var doubleQuotedText: String? {
        guard case .identifier(let segments) = kind, segments.count == 1, segments[0].quote == "\"" else { return nil }
        return segments[0].text
    }
}
