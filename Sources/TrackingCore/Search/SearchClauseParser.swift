/// Parses the AND-ed comparison syntax shared by run and experiment filters into raw clauses.
struct SearchClauseParser {
    /// How "Invalid clause(s)" lists tokens: runs quote each one, experiments don't (as MLflow).
    enum ClauseListStyle { case quoted, bare }

    private let source: String
    private let characters: [Character]
    private let tokens: [SearchToken]
    private let style: ClauseListStyle
    private var index = 0

    private init(source: String, style: ClauseListStyle) {
        self.source = source
        self.characters = Array(source)
        self.tokens = SearchLexer.tokenize(source)
        self.style = style
    }

    /// Raw clauses of `source`; an empty source has none.
    static func parse(_ source: String, style: ClauseListStyle) throws -> [RawSearchClause] {
        if source.isEmpty { return [] }
        var parser = SearchClauseParser(source: source, style: style)
        return try parser.parseAll()
    }

    private mutating func parseAll() throws -> [RawSearchClause] {
        guard !tokens.isEmpty else {
            throw MLflowError.invalidParameter("Invalid filter '\(source)'. Could not be parsed.")
        }
        if SearchLimits.exceedsFilterTokens(source, tokens: tokens) {
            // sqlparse's own refusal, which MLflow reports in these words.
            throw MLflowError.invalidParameter("Error on parsing filter '\(source)'")
        }
        if let semicolon = tokens.firstIndex(where: { $0.kind == .semicolon }),
           tokens[(semicolon + 1)...].contains(where: { $0.kind != .semicolon }) {
            throw MLflowError.invalidParameter(
                "Search filter contained multiple expression \(SearchMessages.pythonString(source)). "
                    + "Provide AND-ed expression list.")
        }
        var clauses: [RawSearchClause] = []
        while index < tokens.count {
            if tokens[index].isAnd { index += 1; continue }
            clauses.append(try parseClause())
            try SearchLimits.checkClauseCount(clauses.count)
        }
        return clauses
    }

    private func invalid(from start: Int, through end: Int) -> MLflowError {
        let upper = min(end, tokens.count - 1)
        let slice = start <= upper ? Array(tokens[start...upper]).filter { !$0.isAnd } : []
        let parts = slice.map { style == .quoted ? "'\($0.text)'" : $0.text }
        return MLflowError.invalidParameter("Invalid clause(s) in filter string: \(parts.joined(separator: ", "))")
    }

    /// The clause that starts at `start` is malformed: report its tokens up to the next AND.
    private func invalidClause(_ start: Int) -> MLflowError {
        var end = start
        while end + 1 < tokens.count, !tokens[end + 1].isAnd { end += 1 }
        return invalid(from: start, through: end)
    }

    private func token(_ offset: Int = 0) -> SearchToken? {
        index + offset < tokens.count ? tokens[index + offset] : nil
    }

    private mutating func parseClause() throws -> RawSearchClause {
        let start = index
        let identifier = tokens[index]
        guard case .identifier = identifier.kind else {
            if case .string = identifier.kind, case .comparison = token(1)?.kind {
                throw MLflowError.invalidParameter(
                    "Invalid comparison clause. Expected 'Identifier' found '\(identifier.text)'")
            }
            throw invalid(from: start, through: start)
        }
        index += 1
        guard let next = token() else { throw invalidClause(start) }
        switch next.kind {
        case .comparison(let op):
            index += 1
            return RawSearchClause(identifier: identifier, comparator: op, operand: try parseOperand(start))
        case .keyword("LIKE"), .keyword("ILIKE"):
            index += 1
            return RawSearchClause(identifier: identifier, comparator: next.text.uppercased(),
                                   operand: try parseOperand(start))
        case .keyword("IN"):
            index += 1
            guard token()?.kind == .leftParen else { throw invalidClause(start) }
            return RawSearchClause(identifier: identifier, comparator: "IN", operand: try parseList(start))
        case .keyword("NOT"):
            guard token(1)?.kind == .keyword("IN"), token(2)?.kind == .leftParen else { throw invalidClause(start) }
            index += 2
            return RawSearchClause(identifier: identifier, comparator: "NOT IN", operand: try parseList(start))
        case .keyword("IS"):
            if token(1)?.kind == .keyword("NULL") {
                index += 2
                return RawSearchClause(identifier: identifier, comparator: "IS NULL", operand: .none)
            }
            if token(1)?.kind == .keyword("NOT"), token(2)?.kind == .keyword("NULL") {
                index += 3
                return RawSearchClause(identifier: identifier, comparator: "IS NOT NULL", operand: .none)
            }
            throw invalidClause(start)
        default:
            throw invalidClause(start)
        }
    }

    private mutating func parseOperand(_ start: Int) throws -> RawSearchClause.Operand {
        guard let value = token() else { throw invalidClause(start) }
        switch value.kind {
        case .string, .number, .identifier:
            index += 1
            return .token(value)
        case .leftParen:
            return try parseList(start)
        default:
            throw invalidClause(start)
        }
    }

    /// `( item, item, ... )`: the items are kept as tokens; the grammar decides what they may be.
    private mutating func parseList(_ start: Int) throws -> RawSearchClause.Operand {
        let open = tokens[index]
        var items: [SearchToken] = []
        var position = index + 1
        var expectItem = true
        while position < tokens.count {
            let item = tokens[position]
            if item.kind == .rightParen {
                index = position + 1
                return .list(items, text: String(characters[open.start..<item.end]))
            }
            if item.kind == .comma {
                guard !expectItem else { throw Self.illFormedList }
                expectItem = true
            } else {
                guard expectItem else { throw Self.illFormedList }
                items.append(item)
                expectItem = false
            }
            position += 1
        }
        throw Self.illFormedList
    }

    static let illFormedList = MLflowError.invalidParameter(
        "While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.")
}
