/// A span's 16-byte trace id, kept as two big-endian halves so it costs no allocation.
public struct OTLPTraceID: Sendable, Hashable {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// 32 lower-case hex digits in byte order (MLflow's `tr-<hex>` id is built from these by the caller).
    public var hex: String { OTLPHex.string(high) + OTLPHex.string(low) }

    /// The id's 16 bytes in wire order.
    public var bytes: [UInt8] { OTLPHex.bytes(high) + OTLPHex.bytes(low) }

    /// The id from its wire bytes: exactly 16 and not all zero (the OTel spec's invalid id).
    static func validated(_ bytes: some Collection<UInt8>) -> Result<OTLPTraceID, OTLPIdentifierProblem> {
        guard bytes.count == 16 else { return .failure(.wrongLength(bytes.count, expected: 16)) }
        let high = OTLPHex.bigEndian(bytes.prefix(8))
        let low = OTLPHex.bigEndian(bytes.dropFirst(8))
        guard high != 0 || low != 0 else { return .failure(.allZero) }
        return .success(OTLPTraceID(high: high, low: low))
    }
}

/// An 8-byte span id, kept as one big-endian integer.
public struct OTLPSpanID: Sendable, Hashable {
    public let value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    /// 16 lower-case hex digits in byte order.
    public var hex: String { OTLPHex.string(value) }

    /// The id's 8 bytes in wire order.
    public var bytes: [UInt8] { OTLPHex.bytes(value) }

    /// The id from its wire bytes: exactly 8 and not all zero.
    static func validated(_ bytes: some Collection<UInt8>) -> Result<OTLPSpanID, OTLPIdentifierProblem> {
        guard bytes.count == 8 else { return .failure(.wrongLength(bytes.count, expected: 8)) }
        let value = OTLPHex.bigEndian(bytes)
        guard value != 0 else { return .failure(.allZero) }
        return .success(OTLPSpanID(value))
    }

    /// A parent span id: absent when empty or all zero (the OTel collector's reading of an
    /// invalid parent: a root span), otherwise exactly 8 bytes.
    static func validatedParent(_ bytes: some Collection<UInt8>) -> Result<OTLPSpanID?, OTLPIdentifierProblem> {
        if bytes.isEmpty { return .success(nil) }
        guard bytes.count == 8 else { return .failure(.wrongLength(bytes.count, expected: 8)) }
        let value = OTLPHex.bigEndian(bytes)
        return .success(value == 0 ? nil : OTLPSpanID(value))
    }
}

/// Why an id field was refused; each decoder words it with the field's name and location.
enum OTLPIdentifierProblem: Error, Sendable, Equatable {
    case wrongLength(Int, expected: Int)
    case allZero

    func message(field: String) -> String {
        switch self {
        case .wrongLength(let count, let expected): return "\(field) must be \(expected) bytes, got \(count)"
        case .allZero: return "\(field) must not be all zeros"
        }
    }
}

/// Hex spelling of ids in both directions (OTLP/JSON carries ids as hex, not protobuf's base64).
enum OTLPHex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func string(_ value: UInt64) -> String {
        var out = [UInt8](repeating: 0, count: 16)
        for index in 0..<16 {
            out[index] = digits[Int((value >> UInt64(60 - 4 * index)) & 0xF)]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func bytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64(56 - 8 * $0)) }
    }

    static func bigEndian(_ bytes: some Collection<UInt8>) -> UInt64 {
        bytes.reduce(0) { ($0 << 8) | UInt64($1) }
    }

    /// The bytes of an even-length hex string (either case), or nil if it is not one.
    static func decode(_ text: String) -> [UInt8]? {
        let utf8 = text.utf8
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var high: UInt8? = nil
        for character in utf8 {
            guard let nibble = nibble(character) else { return nil }
            if let first = high {
                out.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return character - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
