/// A value bound to, or read from, a SQL statement in any engine.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}
