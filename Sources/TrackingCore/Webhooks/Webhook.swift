/// A registry webhook (MLflow's `Webhook` entity). The secret is kept by the store and given only to
/// the dispatcher: it is never part of an answer.
public struct Webhook: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case active = "ACTIVE"
        case disabled = "DISABLED"
    }

    public var id: String
    public var name: String
    public var description: String?
    public var url: String
    public var events: [WebhookEvent]
    public var status: Status
    public var secret: String?
    public var creationTimestamp: Int64
    public var lastUpdatedTimestamp: Int64?

    public init(id: String, name: String, description: String?, url: String, events: [WebhookEvent],
                status: Status, secret: String?, creationTimestamp: Int64, lastUpdatedTimestamp: Int64?) {
        self.id = id
        self.name = name
        self.description = description
        self.url = url
        self.events = events
        self.status = status
        self.secret = secret
        self.creationTimestamp = creationTimestamp
        self.lastUpdatedTimestamp = lastUpdatedTimestamp
    }
}

/// What a create carries; an update carries the same fields, each optional.
public struct WebhookDraft: Sendable, Equatable {
    public var name: String?
    public var description: String?
    public var url: String?
    public var events: [WebhookEvent]?
    public var secret: String?
    public var status: Webhook.Status?

    public init(name: String? = nil, description: String? = nil, url: String? = nil, events: [WebhookEvent]? = nil,
                secret: String? = nil, status: Webhook.Status? = nil) {
        self.name = name
        self.description = description
        self.url = url
        self.events = events
        self.secret = secret
        self.status = status
    }
}

/// MLflow's webhook checks and messages (`mlflow/utils/validation.py`); the URL's address policy
/// (SSRF) is the server's, checked where the URL is resolved.
public enum WebhookValidation {
    /// `_validate_webhook_name`: 1–63 characters, letters, digits, `.`, `_`, `-`, starting and
    /// ending with a letter or digit.
    public static func validateName(_ name: String) throws(MLflowError) {
        let scalars = Array(name.unicodeScalars)
        func alnum(_ s: Unicode.Scalar) -> Bool { s.isASCII && (("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)) }
        let ok = (1...63).contains(scalars.count) && alnum(scalars.first!) && alnum(scalars.last!)
            && scalars.allSatisfy { alnum($0) || $0 == "." || $0 == "_" || $0 == "-" }
        guard ok else {
            throw .invalidParameter("Webhook name \(PythonFormatting.repr(name)) is invalid. It must start and end with a letter or digit, "
                + "be less than 63 characters long, and contain only letters, digits, dots (.), "
                + "underscores (_), and hyphens (-).")
        }
    }

    /// `_validate_webhook_events`.
    public static func validateEvents(_ events: [WebhookEvent]) throws(MLflowError) {
        guard !events.isEmpty else {
            throw .invalidParameter("Webhook events must be a non-empty list of WebhookEvent objects: [].")
        }
    }

    /// The scheme and host checks of `_validate_webhook_url`; returns the URL's parts. `schemes` is
    /// MLflow's `MLFLOW_WEBHOOK_ALLOWED_SCHEMES` (the server's default is https only).
    public static func validateURL(_ url: String, schemes: [String] = ["http", "https"]) throws(MLflowError) -> WebhookURL {
        guard !url.allSatisfy({ $0.isWhitespace }) else {
            throw .invalidParameter("Webhook URL cannot be empty or just whitespace: \(PythonFormatting.repr(url))")
        }
        let parsed = WebhookURL(url)
        guard schemes.contains(parsed.scheme) else {
            throw .invalidParameter("Invalid webhook URL scheme: \(PythonFormatting.repr(parsed.scheme)). "
                + "Allowed schemes are: \(schemes.joined(separator: ", ")).")
        }
        guard !parsed.host.isEmpty else {
            throw .invalidParameter("Webhook URL must include a hostname: \(PythonFormatting.repr(url))")
        }
        return parsed
    }
}

/// The parts of a webhook URL the delivery needs: scheme, host (brackets removed), port.
public struct WebhookURL: Sendable, Equatable {
    public let scheme: String
    public let host: String
    public let port: Int

    public init(_ url: String) {
        var rest = Substring(url)
        var scheme = ""
        if let colon = rest.firstIndex(of: ":"), rest[rest.index(after: colon)...].hasPrefix("//") {
            scheme = rest[..<colon].lowercased()
            rest = rest[rest.index(colon, offsetBy: 3)...]
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        var host = Substring(hostPort)
        var port: Int?
        if host.hasPrefix("[") {
            if let close = host.firstIndex(of: "]") {
                let after = host[host.index(after: close)...]
                if after.hasPrefix(":") { port = Int(after.dropFirst()) }
                host = host[host.index(after: host.startIndex)..<close]
            }
        } else if let colon = host.lastIndex(of: ":") {
            port = Int(host[host.index(after: colon)...])
            host = host[..<colon]
        }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port ?? (scheme == "https" ? 443 : 80)
    }
}
