import CMariaDB
import SQL
import TrackingCore

/// Where and how to connect, read from a `mysql://` URI and its query parameters.
///
/// Accepted parameters (anything else is refused, so a misspelt TLS option cannot silently
/// downgrade to plain text):
/// - `ssl_mode`: `disabled`, `preferred`, `required`, `verify_ca`, `verify_identity` (MySQL's names,
///   case-insensitive); `ssl=true|false` is short for `required|disabled`.
/// - `ssl_ca`, `ssl_cert`, `ssl_key`: PEM files. `ssl_ca` without a mode means `verify_ca`, as in
///   the `mysql` client and PyMySQL.
/// - `unix_socket`: connect through this socket instead of TCP.
/// - `charset`: only `utf8mb4` (or `utf8`), which is what Swiftrack always uses; SQLAlchemy URIs
///   often carry it.
///
/// Without `unix_socket` the connection is always TCP, to `localhost` when the URI names no host:
/// Connector/C would otherwise take `localhost` to mean its compiled-in socket path, which is not
/// what a `host:port` URI (or MLflow with PyMySQL) means.
struct MySQLConnectOptions {
    enum TLSMode: String {
        case disabled, preferred, required
        case verifyCA = "verify_ca"
        case verifyIdentity = "verify_identity"
    }

    var host: String
    var port: Int
    var user: String?
    var password: String?
    var database: String
    /// nil: the library's default (no TLS in Connector/C 3.3 unless a certificate option is given).
    var tls: TLSMode?
    var sslCA: String?
    var sslCert: String?
    var sslKey: String?
    var unixSocket: String?

    init(uri: DatabaseURI) throws {
        host = uri.host ?? "localhost"
        port = uri.port ?? 3306
        user = uri.user
        password = uri.password
        database = uri.database
        for (name, value) in uri.options {
            switch name {
            case "ssl_mode":
                guard let mode = TLSMode(rawValue: value.lowercased()) else {
                    throw MLflowError.invalidParameter(
                        "Unsupported ssl_mode '\(value)' in the MySQL URI: use disabled, preferred, required, "
                        + "verify_ca or verify_identity.")
                }
                tls = mode
            case "ssl":
                switch value.lowercased() {
                case "true", "1", "yes", "on": tls = .required
                case "false", "0", "no", "off": tls = .disabled
                default:
                    throw MLflowError.invalidParameter(
                        "Unsupported ssl='\(value)' in the MySQL URI: use true or false.")
                }
            case "ssl_ca": sslCA = value
            case "ssl_cert": sslCert = value
            case "ssl_key": sslKey = value
            case "unix_socket": unixSocket = value
            case "charset":
                guard ["utf8mb4", "utf8", "utf8mb3"].contains(value.lowercased()) else {
                    throw MLflowError.invalidParameter(
                        "Unsupported charset '\(value)' in the MySQL URI: Swiftrack always uses utf8mb4.")
                }
            default:
                throw MLflowError.invalidParameter(
                    "Unsupported option '\(name)' in the MySQL URI: use ssl_mode, ssl, ssl_ca, ssl_cert, ssl_key, "
                    + "unix_socket or charset.")
            }
        }
        if tls == nil, sslCA != nil { tls = .verifyCA }
        if tls == .verifyCA, sslCA == nil {
            throw MLflowError.invalidParameter(
                "ssl_mode=verify_ca in the MySQL URI needs ssl_ca (the CA certificate file).")
        }
        if (sslCert == nil) != (sslKey == nil) {
            throw MLflowError.invalidParameter("The MySQL URI must give ssl_cert and ssl_key together.")
        }
    }

    /// What the connection is to, for messages: never the password.
    var target: String {
        let place = unixSocket.map { "socket \($0)" } ?? "\(host):\(port)"
        return "\(place)/\(database)" + (user.map { " as '\($0)'" } ?? "")
    }

    /// Whether a connection without TLS must be refused.
    var requiresTLS: Bool { tls == .required || tls == .verifyCA || tls == .verifyIdentity }

    /// Sets the transport and TLS options on a handle from `mysql_init`.
    func apply(to handle: UnsafeMutablePointer<MYSQL>) throws {
        var failed = false
        let protocolType = unixSocket == nil ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET
        failed = failed || swiftrack_mysql_option_uint(handle, MYSQL_OPT_PROTOCOL, protocolType.rawValue) != 0
        if let tls {
            // Set both flags every time: Connector/C's defaults for them changed between 3.3 and 3.4.
            let enforce: my_bool = tls == .disabled || tls == .preferred ? 0 : 1
            let verifyHost: my_bool = tls == .verifyIdentity ? 1 : 0
            failed = failed || swiftrack_mysql_option_bool(handle, MYSQL_OPT_SSL_ENFORCE, enforce) != 0
            failed = failed || swiftrack_mysql_option_bool(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, verifyHost) != 0
        }
        if tls != .disabled {
            // A CA file turns on certificate-chain verification (SSL_VERIFY_PEER) in Connector/C.
            let files = [(MYSQL_OPT_SSL_CA, sslCA), (MYSQL_OPT_SSL_CERT, sslCert), (MYSQL_OPT_SSL_KEY, sslKey)]
            for (option, value) in files {
                if let value { failed = failed || swiftrack_mysql_option_string(handle, option, value) != 0 }
            }
        }
        if failed {
            throw MLflowError.internalError("The MariaDB client library refused a connection option for \(target).")
        }
    }
}
