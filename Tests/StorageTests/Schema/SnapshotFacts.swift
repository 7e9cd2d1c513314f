/// One engine's snapshot file read back into the facts the cross-engine comparison looks at: per
/// table its columns (type, nullability, default, generated), primary key, unique column sets (a
/// unique constraint and a unique index are the same fact), indexes, foreign keys and checks, all
/// by columns, names dropped (each engine names constraints its own way). It reads the text that
/// `SchemaDescription.text` writes, in each reader's spelling of constraints.
struct SnapshotFacts: Sendable, Equatable {
    /// A column as the snapshot writes it (`extra`: the generated-key marker, `identity by default`,
    /// `auto_increment`, `rowid`...).
    typealias Column = SchemaDescription.Column

    struct ForeignKey: Sendable, Hashable, CustomStringConvertible {
        var columns: [String]
        var table: String
        var referenced: [String]
        var onUpdate: String
        var onDelete: String

        var description: String {
            "(\(columns.joined(separator: ", "))) references \(table) (\(referenced.joined(separator: ", "))) "
                + "on update \(onUpdate) on delete \(onDelete)"
        }
    }

    struct Table: Sendable, Equatable {
        var name: String
        /// The schema (snapshot section) it belongs to: tracking, auth or audit.
        var schema: String
        var columns: [Column] = []
        var primaryKey: [String] = []
        var uniques: Set<[String]> = []
        var indexes: Set<[String]> = []
        var foreignKeys: Set<ForeignKey> = []
        var checkCount = 0

        func column(_ name: String) -> Column? { columns.first { $0.name == name } }
    }

    var tables: [String: Table]

    /// The markers a snapshot writes after a column's type and default, longest first.
    static let extras = ["rowid autoincrement", "rowid", "identity by default", "identity always", "auto_increment",
                         "generated stored"]

    init(snapshot text: String) throws {
        var tables: [String: Table] = [:]
        var schema = ""
        var current: Table?
        func finish() {
            if let table = current { tables[table.name] = table }
            current = nil
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if line.hasPrefix("# ") {
                // "# tracking: schema_version records ..." starts a section; the header's lines do not.
                if let colon = line.firstIndex(of: ":"), line.contains(" records ") {
                    finish()
                    schema = String(line[line.index(line.startIndex, offsetBy: 2)..<colon])
                }
                continue
            }
            if line.hasPrefix("table ") {
                finish()
                let name = line.dropFirst("table ".count).split(separator: " ").first.map(String.init) ?? ""
                current = Table(name: name, schema: schema)
                continue
            }
            guard var table = current else { throw SnapshotFactsError.unexpected(line) }
            let fact = line.trimmingLeadingSpaces
            if fact.hasPrefix("column ") {
                table.columns.append(try Self.column(fact.dropFirst("column ".count)))
            } else if fact.hasPrefix("primary key ") {
                table.primaryKey = try Self.columnList(fact)
            } else if fact.hasPrefix("unique ") {
                // `unique (a, b)`, `unique name (a, b)` and `unique index name (a, b)` alike.
                table.uniques.insert(try Self.columnList(fact))
            } else if fact.hasPrefix("index ") {
                table.indexes.insert(try Self.columnList(fact))
            } else if fact.hasPrefix("foreign key ") {
                table.foreignKeys.insert(try Self.foreignKey(fact.dropFirst("foreign key ".count)))
            } else if fact.hasPrefix("check ") {
                table.checkCount += 1
            } else {
                throw SnapshotFactsError.unexpected(line)
            }
            current = table
        }
        finish()
        self.tables = tables
    }

    /// `name type[ not null][ default value][ extra]`.
    static func column(_ text: Substring) throws -> Column {
        var rest = String(text)
        var extra: String?
        for marker in extras where rest.hasSuffix(" " + marker) {
            extra = marker
            rest = String(rest.dropLast(marker.count + 1))
            break
        }
        var defaultValue: String?
        if let range = rest.range(of: " default ") {
            defaultValue = String(rest[range.upperBound...])
            rest = String(rest[..<range.lowerBound])
        }
        let notNull = rest.hasSuffix(" not null")
        if notNull { rest = String(rest.dropLast(" not null".count)) }
        guard let space = rest.firstIndex(of: " ") else { throw SnapshotFactsError.unexpected(String(text)) }
        return Column(name: String(rest[..<space]), type: String(rest[rest.index(after: space)...]),
                      notNull: notNull, defaultValue: defaultValue, extra: extra)
    }

    /// The parenthesised column list that ends a constraint or index line (`... (a, b desc)`).
    static func columnList(_ text: String) throws -> [String] {
        guard text.hasSuffix(")"), let open = openingParenthesis(of: text, before: text.index(before: text.endIndex))
        else { throw SnapshotFactsError.unexpected(text) }
        return splitColumns(text[text.index(after: open)..<text.index(before: text.endIndex)])
    }

    /// `[name ](a, b) references table (x, y)[ on update action][ on delete action]`, in any case
    /// (PostgreSQL's catalog prints its definition in upper case and omits NO ACTION).
    static func foreignKey(_ text: Substring) throws -> ForeignKey {
        let lower = text.lowercased()
        guard let open = lower.firstIndex(of: "("), let close = lower[open...].firstIndex(of: ")"),
              let references = lower.range(of: " references ", range: close..<lower.endIndex),
              let targetOpen = lower[references.upperBound...].firstIndex(of: "("),
              let targetClose = lower[targetOpen...].firstIndex(of: ")")
        else { throw SnapshotFactsError.unexpected(String(text)) }
        let table = String(lower[references.upperBound..<targetOpen]).trimmedSpaces
        let actions = String(lower[lower.index(after: targetClose)...])
        return ForeignKey(columns: splitColumns(lower[lower.index(after: open)..<close]), table: table,
                          referenced: splitColumns(lower[lower.index(after: targetOpen)..<targetClose]),
                          onUpdate: action(after: "on update ", in: actions),
                          onDelete: action(after: "on delete ", in: actions))
    }

    private static func action(after prefix: String, in text: String) -> String {
        guard let range = text.range(of: prefix) else { return "no action" }
        let rest = text[range.upperBound...]
        for action in ["no action", "restrict", "cascade", "set null", "set default"] where rest.hasPrefix(action) {
            return action
        }
        return String(rest)
    }

    /// Columns split at top-level commas, each lower-cased and unquoted (PostgreSQL quotes
    /// `"timestamp"`, MySQL's check text uses backticks); prefix lengths such as `value(200)` kept.
    private static func splitColumns(_ text: Substring) -> [String] {
        var parts: [String] = []
        var depth = 0
        var part = ""
        for character in text {
            switch character {
            case "(": depth += 1; part.append(character)
            case ")": depth -= 1; part.append(character)
            case "," where depth == 0: parts.append(part); part = ""
            case "\"", "`": continue
            default: part.append(character)
            }
        }
        parts.append(part)
        return parts.map { $0.trimmedSpaces.lowercased() }
    }

    private static func openingParenthesis(of text: String, before close: String.Index) -> String.Index? {
        var depth = 0
        var index = close
        while index > text.startIndex {
            index = text.index(before: index)
            switch text[index] {
            case ")": depth += 1
            case "(" where depth == 0: return index
            case "(": depth -= 1
            default: break
            }
        }
        return nil
    }
}

enum SnapshotFactsError: Error, CustomStringConvertible {
    case unexpected(String)

    var description: String {
        switch self {
        case .unexpected(let line): return "unexpected snapshot line: \(line)"
        }
    }
}

private extension String {
    var trimmingLeadingSpaces: String { String(drop { $0 == " " }) }

    var trimmedSpaces: String { String(trimmingLeadingSpaces.reversed().drop { $0 == " " }.reversed()) }
}
