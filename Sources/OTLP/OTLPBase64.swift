/// Base64 decoding for OTLP/JSON's `bytesValue` (protobuf's JSON mapping of bytes). Accepts the
/// standard and the URL-safe alphabet, padded or not, as protobuf's JSON parsers do; anything else
/// (whitespace, stray characters, bad padding) is refused rather than skipped.
enum OTLPBase64 {
    static func decode(_ text: String) -> [UInt8]? {
        var sextets: [UInt8] = []
        sextets.reserveCapacity(text.utf8.count)
        var padding = 0
        for character in text.utf8 {
            if character == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            guard padding == 0, let sextet = value(character) else { return nil }
            sextets.append(sextet)
        }
        // A group of 4 characters carries 3 bytes; 1 leftover character cannot carry one.
        let remainder = sextets.count % 4
        guard remainder != 1 else { return nil }
        if padding > 0 { guard padding <= 2, (sextets.count + padding) % 4 == 0 else { return nil } }
        var out: [UInt8] = []
        out.reserveCapacity(sextets.count * 3 / 4)
        var index = 0
        while index + 4 <= sextets.count {
            let group = UInt32(sextets[index]) << 18 | UInt32(sextets[index + 1]) << 12
                | UInt32(sextets[index + 2]) << 6 | UInt32(sextets[index + 3])
            out.append(UInt8(truncatingIfNeeded: group >> 16))
            out.append(UInt8(truncatingIfNeeded: group >> 8))
            out.append(UInt8(truncatingIfNeeded: group))
            index += 4
        }
        if remainder >= 2 {
            let group = UInt32(sextets[index]) << 18 | UInt32(sextets[index + 1]) << 12
                | (remainder == 3 ? UInt32(sextets[index + 2]) << 6 : 0)
            out.append(UInt8(truncatingIfNeeded: group >> 16))
            if remainder == 3 { out.append(UInt8(truncatingIfNeeded: group >> 8)) }
        }
        return out
    }

    private static func value(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"), UInt8(ascii: "-"): return 62
        case UInt8(ascii: "/"), UInt8(ascii: "_"): return 63
        default: return nil
        }
    }
}
