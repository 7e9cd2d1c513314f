/// What a column holds, whatever the engine calls it: the cross-engine comparison compares these,
/// not the engines' type names (`double precision` and `double`, `integer` and `int`).
enum ColumnTypeCategory: Sendable, Hashable, CustomStringConvertible {
    /// 16-bit; the schemas use it for flags (`is_nan`, `is_admin`) on every engine.
    case smallInteger
    case integer
    case bigInteger
    case float
    case boolean
    /// Unbounded text (`TEXT`).
    case text
    case boundedText(Int)
    case fixedText(Int)
    case blob

    /// The category of a snapshot's normalised type, nil for one no engine here uses yet.
    init?(snapshotType type: String) {
        switch type {
        case "smallint": self = .smallInteger
        case "integer", "int": self = .integer
        case "bigint": self = .bigInteger
        case "double precision", "double", "real", "float": self = .float
        case "boolean", "bool": self = .boolean
        case "text", "mediumtext", "longtext": self = .text
        case "blob", "bytea", "longblob": self = .blob
        default:
            if let length = Self.length(type, of: "varchar") {
                self = .boundedText(length)
            } else if let length = Self.length(type, of: "char") {
                self = .fixedText(length)
            } else {
                return nil
            }
        }
    }

    var description: String {
        switch self {
        case .smallInteger: return "small integer"
        case .integer: return "integer"
        case .bigInteger: return "big integer"
        case .float: return "float"
        case .boolean: return "boolean"
        case .text: return "text"
        case .boundedText(let length): return "text(\(length))"
        case .fixedText(let length): return "fixed text(\(length))"
        case .blob: return "blob"
        }
    }

    private static func length(_ type: String, of name: String) -> Int? {
        guard type.hasPrefix(name + "("), type.hasSuffix(")") else { return nil }
        return Int(type.dropFirst(name.count + 1).dropLast())
    }
}
