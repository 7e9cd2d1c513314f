/// The SQL flavour a connection speaks and a statement is written in: what the stores, the
/// search compiler and each schema switch on where the engines differ.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres
    case mysql
}
