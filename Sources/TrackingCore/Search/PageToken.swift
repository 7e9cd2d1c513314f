import Foundation
import JSON

/// MLflow's page token: base64 of the JSON `{"offset": N}`. Only a validated offset ever leaves `decode`.
public enum PageToken {
    /// The offset a token encodes: 0 for no token; a positive integer otherwise.
    /// Throws `MLflowError(.invalidParameterValue, ...)` with MLflow's messages for anything else.
    public static func decode(_ token: String?) throws -> Int {
        guard let token, !token.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: token) else {
            throw MLflowError.invalidParameter("Invalid page token, could not base64-decode")
        }
        let bytes = [UInt8](data)
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(bytes, maxDepth: 4)
        } catch {
            throw MLflowError.invalidParameter("Invalid page token, decoded value=\(pythonBytes(bytes))")
        }
        let parsedText = JSONWriter.string(parsed)
        guard case .object = parsed, let offset = parsed["offset"] else {
            throw MLflowError.invalidParameter("Invalid page token, parsed value=\(parsedText)")
        }
        guard case .integer(let value) = offset else {
            throw MLflowError.invalidParameter("Invalid page token, not stringable \(JSONWriter.string(offset))")
        }
        // MLflow rejects a zero offset (it never issues one); a negative one would reach OFFSET.
        guard value > 0, let result = Int(exactly: value) else {
            throw MLflowError.invalidParameter("Invalid page token, parsed value=\(parsedText)")
        }
        return result
    }

    /// The token for the page starting at `offset`, byte for byte what MLflow's `create_page_token` makes.
    public static func encode(offset: Int) -> String {
        Data("{\"offset\": \(offset)}".utf8).base64EncodedString()
    }

    /// Python's repr of a bytes value (b'...'), as MLflow prints the decoded token.
    static func pythonBytes(_ bytes: [UInt8]) -> String {
        var out = "b'"
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): out += "\\\\"
            case UInt8(ascii: "'"): out += "\\'"
            case UInt8(ascii: "\n"): out += "\\n"
            case UInt8(ascii: "\r"): out += "\\r"
            case UInt8(ascii: "\t"): out += "\\t"
            case 0x20..<0x7F: out.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = String(byte, radix: 16)
                out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out + "'"
    }
}
