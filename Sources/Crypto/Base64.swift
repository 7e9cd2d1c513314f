import Foundation

/// Base64 text of bytes: the standard alphabet (Azure block ids, Shared Key signatures) and the
/// unpadded URL-safe one of JSON Web Tokens.
public enum Base64 {
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Data(bytes).base64EncodedString()
    }

    /// The bytes of standard base64 text (line breaks and spaces ignored), or nil when it is not base64.
    public static func decode(_ text: String) -> [UInt8]? {
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else { return nil }
        return Array(data)
    }

    /// RFC 4648 §5 without padding, as JWTs want it.
    public static func urlEncode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text = encode(bytes)
        while text.hasSuffix("=") { text.removeLast() }
        return String(text.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
    }

    /// The bytes of unpadded (or padded) URL-safe base64 text.
    public static func urlDecode(_ text: String) -> [UInt8]? {
        var standard = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        while standard.utf8.count % 4 != 0 { standard += "=" }
        return decode(standard)
    }
}
