import TrackingCore
import URLCoding

/// A backend store URI, parsed: `sqlite:///relative.db`, `sqlite:////absolute.db`,
/// `postgresql://user:pass@host:port/db?sslmode=require` and `mysql://user:pass@host:port/db`.
/// MLflow's driver spellings (`postgresql+psycopg2://`, `mysql+pymysql://`, ...) and
/// `postgres://`, `mariadb://` are accepted, so existing configurations keep working.
public struct DatabaseURI: Sendable, Equatable {
    public enum Engine: String, Sendable {
        case sqlite, postgresql, mysql
    }

    public var engine: Engine
    /// The SQLite file (engine `.sqlite` only).
    public var path: String
    public var user: String?
    public var password: String?
    public var host: String?
    public var port: Int?
    public var database: String
    /// Query parameters in order (`sslmode=require`, `ssl_ca=/path`, ...), percent-decoded.
    public var options: [(String, String)]

    public static func == (lhs: DatabaseURI, rhs: DatabaseURI) -> Bool {
        lhs.engine == rhs.engine && lhs.path == rhs.path && lhs.user == rhs.user && lhs.password == rhs.password
            && lhs.host == rhs.host && lhs.port == rhs.port && lhs.database == rhs.database
            && lhs.options.map { "\($0.0)=\($0.1)" } == rhs.options.map { "\($0.0)=\($0.1)" }
    }

    public init(_ text: String) throws {
        guard let schemeEnd = text.range(of: "://") else {
            throw MLflowError.invalidParameter("The database URI '\(Self.redacted(text))' has no scheme (expected sqlite://, postgresql:// or mysql://)")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        let base = scheme.split(separator: "+", maxSplits: 1).first.map(String.init) ?? scheme
        switch base {
        case "sqlite": engine = .sqlite
        case "postgresql", "postgres": engine = .postgresql
        case "mysql", "mariadb": engine = .mysql
        default:
            throw MLflowError.invalidParameter(
                "Unsupported database URI scheme '\(scheme)': use sqlite:///PATH, postgresql://... or mysql://...")
        }
        let rest = String(text[schemeEnd.upperBound...])
        path = ""
        user = nil
        password = nil
        host = nil
        port = nil
        database = ""
        options = []
        if engine == .sqlite {
            // sqlite:///relative and sqlite:////absolute: what follows the third slash is the path.
            guard rest.hasPrefix("/") else {
                throw MLflowError.invalidParameter("A SQLite URI has three slashes: sqlite:///PATH")
            }
            path = String(rest.dropFirst())
            guard !path.isEmpty else {
                throw MLflowError.invalidParameter("The database URI '\(text)' names no file")
            }
            return
        }
        var authority = rest
        var tail = ""
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) {
            authority = String(rest[..<slash])
            tail = String(rest[slash...])
        }
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            authority = String(authority[authority.index(after: at)...])
            if let colon = credentials.firstIndex(of: ":") {
                user = PercentDecoding.decode(String(credentials[..<colon]), plusIsSpace: false)
                password = PercentDecoding.decode(String(credentials[credentials.index(after: colon)...]), plusIsSpace: false)
            } else {
                user = PercentDecoding.decode(String(credentials), plusIsSpace: false)
            }
        }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = try Self.port(String(after.dropFirst()), text) }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = try Self.port(String(authority[authority.index(after: colon)...]), text)
        } else if !authority.isEmpty {
            host = authority
        }
        if host?.isEmpty == true { host = nil }
        var query = ""
        if let mark = tail.firstIndex(of: "?") {
            query = String(tail[tail.index(after: mark)...])
            tail = String(tail[..<mark])
        }
        database = PercentDecoding.decode(String(tail.drop(while: { $0 == "/" })), plusIsSpace: false)
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            options.append((PercentDecoding.decode(String(parts[0]), plusIsSpace: false),
                            parts.count > 1 ? PercentDecoding.decode(String(parts[1]), plusIsSpace: false) : ""))
        }
        guard !database.isEmpty else {
            throw MLflowError.invalidParameter("The database URI '\(Self.redacted(text))' names no database")
        }
    }

    /// The value of query parameter `name`, if given.
    public func option(_ name: String) -> String? { options.last { $0.0 == name }?.1 }

    /// The URI with its password replaced by `***`, for messages and logs.
    public static func redacted(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://"),
              let at = text[schemeEnd.upperBound...].firstIndex(of: "@") else { return text }
        let credentials = text[schemeEnd.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }

    private static func port(_ text: String, _ uri: String) throws -> Int {
        guard let value = Int(text), (1...65535).contains(value) else {
            throw MLflowError.invalidParameter("The database URI '\(redacted(uri))' has an invalid port '\(text)'")
        }
        return value
    }
}
