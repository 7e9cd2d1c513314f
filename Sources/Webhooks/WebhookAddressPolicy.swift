#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import TrackingCore

/// Which addresses a webhook may be sent to (SSRF safety). By default only public addresses:
/// loopback, private (RFC 1918, CGNAT, fc00::/7), link-local (169.254/16 with the cloud metadata
/// address, fe80::/10), unspecified, multicast, broadcast, documentation and reserved ranges are
/// refused, and IPv6 forms carrying an IPv4 address (mapped, 6to4, NAT64) are judged by it.
/// `allowPrivate` lifts the rule; `allowed` lists CIDR ranges accepted anyway.
public struct WebhookAddressPolicy: Sendable {
    public var allowPrivate: Bool
    public var allowed: [CIDRRange]
    /// The URL schemes accepted (MLflow's `MLFLOW_WEBHOOK_ALLOWED_SCHEMES`, default https only).
    public var schemes: [String]

    public init(allowPrivate: Bool = false, allowed: [CIDRRange] = [], schemes: [String] = ["https"]) {
        self.allowPrivate = allowPrivate
        self.allowed = allowed
        self.schemes = schemes
    }

    public func permits(_ address: IPAddress) -> Bool {
        allowPrivate || address.isPublic || allowed.contains { $0.contains(address) }
    }

    /// Resolves `host` and checks every address, as MLflow's `_validate_webhook_url` does; returns the
    /// first address, the one the delivery connects to. INVALID_PARAMETER_VALUE otherwise.
    public func check(host: String) throws(MLflowError) -> IPAddress {
        let addresses: [IPAddress]
        if let literal = IPAddress(host) {
            addresses = [literal]
        } else {
            guard host.contains(where: { $0.isLetter }) else {
                throw .invalidParameter("Webhook URL host \(PythonFormatting.repr(host)) is not a canonical IP address literal.")
            }
            addresses = try Self.resolve(host)
        }
        guard let first = addresses.first else {
            throw .invalidParameter("Cannot resolve Webhook URL hostname \(PythonFormatting.repr(host)): no address")
        }
        for address in addresses where !permits(address) {
            throw .invalidParameter("Webhook URL must not resolve to a non-public IP address. "
                + "\(PythonFormatting.repr(host)) resolves to \(address). Swiftrack refuses loopback, private, link-local, "
                + "multicast and reserved targets unless --webhook-allow-private-targets or --webhook-allowed-cidrs allows them.")
        }
        return first
    }

    static func resolve(_ host: String) throws(MLflowError) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, nil, &hints, &result)
        guard code == 0 else {
            throw .invalidParameter("Cannot resolve Webhook URL hostname \(PythonFormatting.repr(host)): "
                + String(cString: gai_strerror(code)))
        }
        defer { freeaddrinfo(result) }
        var addresses: [IPAddress] = []
        var cursor = result
        while let info = cursor {
            if let address = info.pointee.ai_addr {
                if info.pointee.ai_family == AF_INET {
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var raw = pointer.pointee.sin_addr
                        addresses.append(IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) }))
                    }
                } else if info.pointee.ai_family == AF_INET6 {
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var raw = pointer.pointee.sin6_addr
                        addresses.append(IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) }))
                    }
                }
            }
            cursor = info.pointee.ai_next
        }
        var seen = Set<[UInt8]>()
        return addresses.filter { seen.insert($0.bytes).inserted }
    }
}

/// An IPv4 (4 bytes) or IPv6 (16 bytes) address.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// A canonical literal (`10.0.0.1`, `::1`, `[::1]`), as inet_pton reads it; nil otherwise.
    public init?(_ text: String) {
        var literal = Substring(text)
        if literal.hasPrefix("[") && literal.hasSuffix("]") { literal = literal.dropFirst().dropLast() }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, String(literal), &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, String(literal), &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    public var isIPv6: Bool { bytes.count == 16 }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: 64)
        var copy = bytes
        let family = isIPv6 ? AF_INET6 : AF_INET
        return copy.withUnsafeMutableBytes { raw in
            guard inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
            return String(cString: buffer)
        }
    }

    /// The IPv4 address an IPv6 transition form carries (::ffff:a.b.c.d, 2002:abcd::/16, 64:ff9b::/96).
    public var embeddedIPv4: IPAddress? {
        guard isIPv6 else { return nil }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return IPAddress(bytes: Array(bytes[12..<16]))
        }
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return IPAddress(bytes: Array(bytes[2..<6])) }
        if bytes[0..<12] == [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0][...] {
            return IPAddress(bytes: Array(bytes[12..<16]))
        }
        return nil
    }

    /// Not loopback, private, link-local, unspecified, multicast, broadcast, documentation or reserved.
    public var isPublic: Bool {
        if let embedded = embeddedIPv4 { return embedded.isPublic }
        return !Self.nonPublic.contains { $0.contains(self) }
    }

    static let nonPublic: [CIDRRange] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "::/96", "100::/64", "2001::/23", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10",
        "ff00::/8",
    ].compactMap(CIDRRange.init)
}

/// An address range `address/prefix` (`10.0.0.0/8`, `fd00::/8`); a bare address is a /32 or /128.
public struct CIDRRange: Sendable, Hashable {
    public let network: IPAddress
    public let prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let address = IPAddress(String(first)) else { return nil }
        let bits = address.bytes.count * 8
        let prefix = parts.count == 2 ? Int(parts[1]) : bits
        guard let prefix, (0...bits).contains(prefix) else { return nil }
        self.network = address
        self.prefix = prefix
    }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        var remaining = prefix
        for (a, b) in zip(address.bytes, network.bytes) where remaining > 0 {
            let take = min(8, remaining)
            let mask: UInt8 = take == 8 ? 0xff : ~(0xff >> UInt8(take))
            if a & mask != b & mask { return false }
            remaining -= take
        }
        return true
    }
}
