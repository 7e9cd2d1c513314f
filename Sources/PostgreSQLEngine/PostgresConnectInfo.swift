import CPostgres
import Foundation
import SQL
import TrackingCore

/// The libpq keywords and values for a `postgresql://` URI, for `PQconnectdbParams`.
///
/// Host, port, database, user and password come from the URI; every query parameter is passed
/// through as a libpq keyword, so `sslmode`, `sslrootcert`, `sslcert`, `sslkey`,
/// `target_session_attrs`, ... work as in psql. A parameter libpq does not know is refused here
/// with its name, rather than by libpq with a vaguer message.
struct PostgresConnectInfo {
    private(set) var keywords: [String] = []
    private(set) var values: [String] = []
    /// `host:port/database`, for messages (never the password).
    let target: String

    init(uri: DatabaseURI, connectTimeoutSeconds: Int) throws {
        target = "\(uri.host ?? "localhost"):\(uri.port ?? 5432)/\(uri.database)"
        if let host = uri.host { add("host", host) }
        if let port = uri.port { add("port", String(port)) }
        add("dbname", uri.database)
        if let user = uri.user { add("user", user) }
        if let password = uri.password { add("password", password) }
        add("connect_timeout", String(max(1, connectTimeoutSeconds)))
        add("application_name", "swiftrack")
        // libpq lets a later keyword override an earlier one, so URI options win.
        let known = Self.knownKeywords
        for (name, value) in uri.options {
            guard known.contains(name) else {
                throw MLflowError.invalidParameter(
                    "The PostgreSQL URI option '\(name)' is not a libpq connection parameter "
                    + "(e.g. sslmode, sslrootcert, sslcert, sslkey, connect_timeout, options).")
            }
            add(name, value)
        }
    }

    private mutating func add(_ keyword: String, _ value: String) {
        keywords.append(keyword)
        values.append(value)
    }

    /// Calls `body` with the NULL-terminated keyword and value arrays libpq wants.
    func withCArrays<T>(_ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        let keywordCopies = keywords.map { strdup($0) }
        let valueCopies = values.map { strdup($0) }
        defer {
            keywordCopies.forEach { free($0) }
            valueCopies.forEach { free($0) }
        }
        let keywordPointers = keywordCopies.map { UnsafePointer($0) } + [nil]
        let valuePointers = valueCopies.map { UnsafePointer($0) } + [nil]
        return keywordPointers.withUnsafeBufferPointer { keywordBuffer in
            valuePointers.withUnsafeBufferPointer { valueBuffer in
                body(keywordBuffer.baseAddress!, valueBuffer.baseAddress!)
            }
        }
    }

    /// Every keyword this libpq accepts (`PQconndefaults`), read once.
    static let knownKeywords: Set<String> = {
        var names: Set<String> = []
        guard let options = PQconndefaults() else { return names }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            names.insert(String(cString: keyword))
            option += 1
        }
        return names
    }()
}
