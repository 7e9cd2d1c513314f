import HTTPTransport
import TrackingCore

/// How requests reached the server, and what that requires: `X-Forwarded-For` and
/// `X-Forwarded-Proto` are believed only from trusted proxies (`--behind-proxy`); with
/// `--require-https` a request that did not come over HTTPS (natively, or to a trusted proxy)
/// is refused; every HTTPS answer carries `Strict-Transport-Security`.
public struct TransportSecurity: Sendable {
    /// Proxies whose forwarding headers are believed; empty: the headers are ignored.
    public var trustedProxies: [AddressRange]
    public var requireHTTPS: Bool
    /// HSTS `max-age` in seconds; 0 sends no header.
    public var hstsMaxAgeSeconds: Int

    public static let defaultHSTSMaxAge = 31_536_000   // a year

    public init(trustedProxies: [AddressRange] = [], requireHTTPS: Bool = false,
                hstsMaxAgeSeconds: Int = TransportSecurity.defaultHSTSMaxAge) {
        self.trustedProxies = trustedProxies
        self.requireHTTPS = requireHTTPS
        self.hstsMaxAgeSeconds = hstsMaxAgeSeconds
    }

    /// Plain HTTP straight to the server, nothing required: what a server without options does.
    public static let none = TransportSecurity(hstsMaxAgeSeconds: 0)

    /// Paths answered over plain HTTP even with `requireHTTPS` (load balancers' health checks).
    static func isExempt(_ path: String) -> Bool { path == "/health" }

    /// Resolves the client's address and the scheme from a trusted proxy's headers (the request's
    /// `remoteAddress` becomes the client's); returns whether the request came over HTTPS.
    func resolve(_ request: inout HTTPRequest) -> Bool {
        guard !trustedProxies.isEmpty, isTrusted(request.remoteAddress) else { return request.isTLS }
        if let forwardedFor = request.header("x-forwarded-for") {
            // The nearest untrusted hop is the client: hops to the right of it are our proxies.
            let hops = forwardedFor.split(separator: ",").map { String($0).trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
            if let client = hops.last(where: { !isTrusted($0) }) ?? hops.first, AddressRange.bytes(client) != nil {
                request.remoteAddress = client
            }
        }
        guard let proto = request.header("x-forwarded-proto") else { return request.isTLS }
        // A chain of proxies may list one scheme per hop: the first is what the client used.
        let first = proto.split(separator: ",").first.map { String($0).trimmingCharacters(in: " ").lowercased() }
        return first == "https"
    }

    /// The answer refusing a request that needs HTTPS and did not come over it, or nil.
    func refusal(path: String, secure: Bool) -> HTTPResponse? {
        guard requireHTTPS, !secure, !Self.isExempt(path) else { return nil }
        return MLflowError(.permissionDenied, "This server accepts only HTTPS (--require-https): connect with "
                           + "https://, directly or through its TLS proxy.").response
    }

    /// Adds HSTS to an answer sent over HTTPS.
    func decorate(_ response: inout HTTPResponse, secure: Bool) {
        guard secure, hstsMaxAgeSeconds > 0 else { return }
        response.headers.append((name: "Strict-Transport-Security",
                                 value: "max-age=\(hstsMaxAgeSeconds); includeSubDomains"))
    }

    func isTrusted(_ address: String) -> Bool { trustedProxies.contains { $0.contains(address) } }
}
