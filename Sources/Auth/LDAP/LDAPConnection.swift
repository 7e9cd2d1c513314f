import CLDAP
#if canImport(Glibc)
import Glibc
#endif

/// Why an LDAP operation failed: the directory could not be reached (down, timed out, TLS
/// refused: the caller answers 503), or it answered with an error.
public enum LDAPError: Error, Equatable, CustomStringConvertible {
    case unavailable(String)
    case failed(code: Int32, message: String)

    public var description: String {
        switch self {
        case .unavailable(let reason): return "the LDAP directory is unreachable: \(reason)"
        case .failed(let code, let message): return "the LDAP directory answered \(code): \(message)"
        }
    }
}

/// One entry of a search answer: its DN and the requested attributes' values.
public struct LDAPEntry: Sendable, Equatable {
    public var dn: String
    public var attributes: [String: [String]]

    /// The first value of an attribute, matched without regard to case (as LDAP names are).
    public func first(_ name: String) -> String? {
        attributes.first { $0.key.lowercased() == name.lowercased() }?.value.first
    }
}

/// A connection to an LDAP directory over OpenLDAP's libldap: simple binds and searches, with
/// StartTLS or ldaps:// verified against a CA file. Used by one thread at a time (a sign-in opens
/// its own); closed when released.
final class LDAPConnection {
    private let handle: OpaquePointer
    private let timeoutSeconds: Double

    struct Options {
        var uri: String
        var startTLS = false
        var caFile: String?
        var timeoutSeconds: Double = 5
    }

    /// Opens (and, with StartTLS, secures) a connection; binds nothing yet.
    init(_ options: Options) throws(LDAPError) {
        var raw: OpaquePointer?
        let status = ldap_initialize(&raw, options.uri)
        guard status == LDAP_SUCCESS, let raw else {
            throw .failed(code: status, message: "cannot use the URI '\(options.uri)': " + Self.message(status))
        }
        handle = raw
        timeoutSeconds = options.timeoutSeconds
        _ = swiftrack_ldap_set_int(handle, LDAP_OPT_PROTOCOL_VERSION, LDAP_VERSION3)
        _ = swiftrack_ldap_referrals_off(handle)
        _ = swiftrack_ldap_set_timeout(handle, LDAP_OPT_NETWORK_TIMEOUT, options.timeoutSeconds)
        _ = swiftrack_ldap_set_timeout(handle, LDAP_OPT_TIMEOUT, options.timeoutSeconds)
        // Certificates are always verified; the CA file, when given, is this handle's alone.
        _ = swiftrack_ldap_set_int(handle, LDAP_OPT_X_TLS_REQUIRE_CERT, LDAP_OPT_X_TLS_DEMAND)
        if let caFile = options.caFile { _ = swiftrack_ldap_set_string(handle, LDAP_OPT_X_TLS_CACERTFILE, caFile) }
        _ = swiftrack_ldap_set_int(handle, LDAP_OPT_X_TLS_NEWCTX, 0)
        if options.startTLS {
            let status = ldap_start_tls_s(handle, nil, nil)
            guard status == LDAP_SUCCESS else {
                throw .unavailable("StartTLS failed: " + describe(status))   // deinit releases the handle
            }
        }
    }

    deinit { ldap_unbind_ext_s(handle, nil, nil) }

    /// A simple bind: true when the directory accepts the password, false for wrong credentials.
    /// An empty password is never sent (LDAP would take it as an unauthenticated bind and say yes).
    func bind(dn: String, password: String) throws(LDAPError) -> Bool {
        guard !password.isEmpty else { return false }
        let status = password.withCString { swiftrack_ldap_simple_bind(handle, dn, $0, UInt(password.utf8.count)) }
        switch status {
        case LDAP_SUCCESS: return true
        case LDAP_INVALID_CREDENTIALS, LDAP_INVALID_DN_SYNTAX, LDAP_NO_SUCH_OBJECT, LDAP_INAPPROPRIATE_AUTH,
             LDAP_UNWILLING_TO_PERFORM:
            return false
        default: throw error(status)
        }
    }

    enum Scope { case base, subtree }

    /// The entries under `base` that match `filter`, with the named attributes; at most `limit`.
    func search(base: String, scope: Scope, filter: String, attributes: [String], limit: Int32 = 100) throws(LDAPError)
        -> [LDAPEntry] {
        var names: [UnsafeMutablePointer<CChar>?] = attributes.map { strdup($0) } + [nil]
        defer { for name in names { free(name) } }
        var result: OpaquePointer?
        let status = names.withUnsafeMutableBufferPointer { buffer in
            swiftrack_ldap_search(handle, base, scope == .base ? swiftrack_ldap_scope_base : swiftrack_ldap_scope_subtree,
                                  filter, buffer.baseAddress, timeoutSeconds, limit, &result)
        }
        defer { if let result { ldap_msgfree(result) } }
        switch status {
        case LDAP_SUCCESS, LDAP_SIZELIMIT_EXCEEDED: break
        case LDAP_NO_SUCH_OBJECT: return []
        default: throw error(status)
        }
        var entries: [LDAPEntry] = []
        var message = ldap_first_entry(handle, result)
        while let entry = message {
            var dn = ""
            if let raw = ldap_get_dn(handle, entry) {
                dn = String(cString: raw)
                ldap_memfree(raw)
            }
            var values: [String: [String]] = [:]
            for name in attributes {
                guard let list = ldap_get_values_len(handle, entry, name) else { continue }
                var index = 0
                while let value = list[index] {
                    let bytes = UnsafeRawBufferPointer(start: value.pointee.bv_val, count: Int(value.pointee.bv_len))
                    values[name, default: []].append(String(decoding: bytes, as: UTF8.self))
                    index += 1
                }
                ldap_value_free_len(list)
            }
            entries.append(LDAPEntry(dn: dn, attributes: values))
            message = ldap_next_entry(handle, entry)
        }
        return entries
    }

    private func error(_ status: Int32) -> LDAPError {
        switch status {
        case LDAP_SERVER_DOWN, LDAP_TIMEOUT, LDAP_CONNECT_ERROR, LDAP_UNAVAILABLE, LDAP_BUSY:
            return .unavailable(describe(status))
        default:
            return .failed(code: status, message: describe(status))
        }
    }

    private func describe(_ status: Int32) -> String {
        var text = Self.message(status)
        if let diagnostic = swiftrack_ldap_diagnostic(handle) {
            let detail = String(cString: diagnostic)
            ldap_memfree(diagnostic)
            if !detail.isEmpty { text += " (\(detail))" }
        }
        return text
    }

    private static func message(_ status: Int32) -> String {
        guard let text = ldap_err2string(status) else { return "error \(status)" }
        return String(cString: text)
    }
}
