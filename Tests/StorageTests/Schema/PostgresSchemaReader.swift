@testable import SQL
@testable import Storage

/// Reads a PostgreSQL schema (the connection's current schema) from `pg_catalog`. Types come from
/// `format_type` (`character varying(256)` becomes `varchar(256)`); constraints are printed by
/// `pg_get_constraintdef`, with their names, which a later migration needs to drop or alter them.
enum PostgresSchemaReader {
    static func read(_ connection: any SQLConnection) throws -> SchemaDescription {
        let tables = try connection.query("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname
            """, []) { $0.string(0) }
        return SchemaDescription(tables: try tables.map { try table($0, connection) })
    }

    /// The table's oid, found by name in the current schema.
    private static let relation = """
        (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relname = ?)
        """

    private static func table(_ name: String, _ connection: any SQLConnection) throws -> SchemaDescription.Table {
        var table = SchemaDescription.Table(name: name)
        table.columns = try connection.query("""
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text
            FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = \(relation) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """, [.text(name)]) { row in
            let extra: String?
            switch row.string(4) {
            case "a": extra = "identity always"
            case "d": extra = "identity by default"
            default: extra = row.string(5) == "s" ? "generated stored" : nil
            }
            return SchemaDescription.Column(name: row.string(0), type: normalisedType(row.string(1)),
                                            notNull: row.int64(2) != 0,
                                            defaultValue: row.optionalString(3).map(withoutCasts), extra: extra)
        }
        let constraints = try connection.query("""
            SELECT conname, contype::text, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = \(relation) ORDER BY conname
            """, [.text(name)]) { (name: $0.string(0), type: $0.string(1), definition: $0.string(2)) }
        for constraint in constraints {
            switch constraint.type {
            case "p":
                table.primaryKey = constraint.definition.dropPrefix("PRIMARY KEY ").trimmingParentheses
                    .components(separatedBy: ", ")
                table.primaryKeyName = constraint.name
            case "u": table.uniques.append("\(constraint.name) \(constraint.definition.dropPrefix("UNIQUE "))")
            case "f": table.foreignKeys.append("\(constraint.name) \(constraint.definition.dropPrefix("FOREIGN KEY "))")
            case "c": table.checks.append("\(constraint.name) \(constraint.definition.dropPrefix("CHECK "))")
            default: table.checks.append("\(constraint.name) [\(constraint.type)] \(constraint.definition)")
            }
        }
        // Indexes other than those backing the primary key and unique constraints (shown above).
        let indexes = try connection.query("""
            SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = \(relation) AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid
                AND c.contype IN ('p', 'u'))
            ORDER BY i.relname
            """, [.text(name)]) { (name: $0.string(0), definition: $0.string(1)) }
        for index in indexes {
            // "CREATE [UNIQUE] INDEX name ON public.t USING btree (a, b DESC)": keep the kind,
            // method (when not btree) and column list, not the schema-qualified table.
            let unique = index.definition.hasPrefix("CREATE UNIQUE INDEX")
            var columns = index.definition
            if let using = index.definition.range(of: " USING ") {
                columns = String(index.definition[using.upperBound...])
                if columns.hasPrefix("btree ") { columns = String(columns.dropFirst("btree ".count)) }
            }
            table.indexes.append("\(unique ? "unique index" : "index") \(index.name) \(columns)")
        }
        return table
    }

    static func normalisedType(_ type: String) -> String {
        type.replacingOccurrences(of: "character varying", with: "varchar")
            .replacingOccurrences(of: "character(", with: "char(")
    }

    /// `'active'::character varying` -> `'active'`: the cast is PostgreSQL's spelling of the literal.
    static func withoutCasts(_ expression: String) -> String {
        guard expression.hasPrefix("'"), let cast = expression.range(of: "'::", options: .backwards) else {
            return expression
        }
        return String(expression[..<expression.index(after: cast.lowerBound)])
    }
}

extension String {
    func dropPrefix(_ prefix: String) -> String { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self }

    /// "(a, b)" -> "a, b".
    var trimmingParentheses: String {
        hasPrefix("(") && hasSuffix(")") ? String(dropFirst().dropLast()) : self
    }
}
