/// Splits a filter or order_by string into tokens, following the token rules of sqlparse that MLflow relies on.
struct SearchLexer {
    static let keywords: Set<String> = ["AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "IS", "NULL"]

    private let chars: [Character]
    private var index = 0

    init(_ source: String) {
        chars = Array(source)
    }

    /// All tokens of the source (whitespace dropped). Never throws: unknown input becomes `.other`.
    static func tokenize(_ source: String) -> [SearchToken] {
        var lexer = SearchLexer(source)
        var tokens: [SearchToken] = []
        while let token = lexer.next() { tokens.append(token) }
        return tokens
    }

    private func peek(_ offset: Int = 0) -> Character? {
        let position = index + offset
        return position < chars.count ? chars[position] : nil
    }

    private static func isWordStart(_ c: Character) -> Bool { c.isLetter || c == "_" }
    private static func isWordChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
    private static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }

    private mutating func next() -> SearchToken? {
        while let c = peek(), c.isWhitespace { index += 1 }
        guard let c = peek() else { return nil }
        let start = index
        func token(_ kind: SearchToken.Kind) -> SearchToken {
            SearchToken(kind: kind, text: String(chars[start..<index]), start: start, end: index)
        }
        switch c {
        case "(": index += 1; return token(.leftParen)
        case ")": index += 1; return token(.rightParen)
        case ",": index += 1; return token(.comma)
        case ";": index += 1; return token(.semicolon)
        case "'":
            guard let body = readQuoted("'") else { return token(.other) }
            return token(.string(body))
        case "=", "!", "<", ">", "~":
            return readComparison(start: start)
        default:
            break
        }
        if startsNumber() { return readNumber(start: start) }
        if Self.isWordStart(c) || c == "`" || c == "\"" { return readIdentifier(start: start) }
        index += 1
        return token(.other)
    }

    private func startsNumber() -> Bool {
        guard let c = peek() else { return false }
        if Self.isDigit(c) { return true }
        if c == ".", let d = peek(1), Self.isDigit(d) { return true }
        if c == "-", let d = peek(1) {
            if Self.isDigit(d) { return true }
            if d == ".", let e = peek(2), Self.isDigit(e) { return true }
        }
        return false
    }

    private mutating func readComparison(start: Int) -> SearchToken {
        // sqlparse reads a whole run of `<>=~!` as one comparison, so `>>` is reported as an
        // invalid comparator rather than an invalid clause.
        index += 1
        while let next = peek(), "<>=~!".contains(next) { index += 1 }
        let text = String(chars[start..<index])
        let kind: SearchToken.Kind = text == "!" ? .other : .comparison(text)
        return SearchToken(kind: kind, text: text, start: start, end: index)
    }

    /// -?(digits[.digits*] | .digits)([eE][-+]?digits)?, not glued to a following word character.
    private mutating func readNumber(start: Int) -> SearchToken {
        var isInteger = true
        if peek() == "-" { index += 1 }
        while let c = peek(), Self.isDigit(c) { index += 1 }
        if peek() == "." {
            isInteger = false
            index += 1
            while let c = peek(), Self.isDigit(c) { index += 1 }
        }
        if let e = peek(), e == "e" || e == "E" {
            var lookahead = 1
            if let sign = peek(1), sign == "-" || sign == "+" { lookahead = 2 }
            if let d = peek(lookahead), Self.isDigit(d) {
                isInteger = false
                index += lookahead
                while let c = peek(), Self.isDigit(c) { index += 1 }
            }
        }
        if let c = peek(), Self.isWordChar(c) || c == "." {
            while let c = peek(), Self.isWordChar(c) || c == "." { index += 1 }
            return SearchToken(kind: .other, text: String(chars[start..<index]), start: start, end: index)
        }
        return SearchToken(kind: .number(isInteger: isInteger), text: String(chars[start..<index]), start: start, end: index)
    }

    /// A quoted run; a doubled quote or a backslash-escaped quote stays inside (text kept verbatim).
    /// Returns nil (and consumes the rest) when the quote is not closed.
    private mutating func readQuoted(_ quote: Character) -> String? {
        index += 1
        let bodyStart = index
        while let c = peek() {
            if c == "\\", quote != "`", peek(1) != nil {
                index += 2
                continue
            }
            if c == quote {
                if peek(1) == quote { index += 2; continue }
                let body = String(chars[bodyStart..<index])
                index += 1
                return body
            }
            index += 1
        }
        return nil
    }

    private mutating func readSegment(allowSingleQuote: Bool) -> SearchToken.Segment? {
        guard let c = peek() else { return nil }
        if c == "`" || c == "\"" || (allowSingleQuote && c == "'") {
            guard let body = readQuoted(c) else { return nil }
            return .init(text: body, quote: c)
        }
        guard Self.isWordChar(c) else { return nil }
        let begin = index
        while let c = peek(), Self.isWordChar(c) { index += 1 }
        return .init(text: String(chars[begin..<index]), quote: nil)
    }

    private mutating func readIdentifier(start: Int) -> SearchToken {
        guard let first = readSegment(allowSingleQuote: false) else {
            return SearchToken(kind: .other, text: String(chars[start..<index]), start: start, end: index)
        }
        var segments = [first]
        while peek() == ".", let c = peek(1), Self.isWordChar(c) || c == "`" || c == "\"" || c == "'" {
            let save = index
            index += 1
            guard let segment = readSegment(allowSingleQuote: true) else {
                index = save
                break
            }
            segments.append(segment)
        }
        let text = String(chars[start..<index])
        if segments.count == 1, first.quote == nil, Self.keywords.contains(first.text.uppercased()) {
            return SearchToken(kind: .keyword(first.text.uppercased()), text: text, start: start, end: index)
        }
        return SearchToken(kind: .identifier(segments), text: text, start: start, end: index)
    }
}
