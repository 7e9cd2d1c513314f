/// The tokens of a GraphQL document (the October 2021 spec's lexical grammar): punctuators, names,
/// numbers and strings (block strings too); commas, whitespace and comments are skipped.
struct GraphQLLexer {
    enum Token: Equatable, Sendable {
        case punctuator(String)
        case name(String)
        case int(String)
        case float(String)
        case string(String)
        case end

        var described: String {
            switch self {
            case .punctuator(let p): return "'\(p)'"
            case .name(let n): return "Name '\(n)'"
            case .int(let n): return "Int '\(n)'"
            case .float(let n): return "Float '\(n)'"
            case .string(let s): return "String \"\(s.prefix(40))\""
            case .end: return "<EOF>"
            }
        }
    }

    struct Failure: Error { let message: String }

    /// Every token of `text`, ending with `.end`; at most `maxTokens` (a bound on the work one request can ask for).
    static func tokens(_ text: String, maxTokens: Int) throws(Failure) -> [Token] {
        let bytes = Array(text.utf8)
        var tokens: [Token] = []
        var i = 0
        func fail(_ message: String) -> Failure { Failure(message: "Syntax Error: \(message)") }
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case 0x20, 0x09, 0x0A, 0x0D, 0x2C:
                i += 1
                continue
            case 0xEF where bytes[i...].starts(with: [0xEF, 0xBB, 0xBF]):   // a byte-order mark
                i += 3
                continue
            case UInt8(ascii: "#"):
                while i < bytes.count, bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
                continue
            case UInt8(ascii: "."):
                guard bytes[i...].starts(with: Array("...".utf8)) else { throw fail("Unexpected '.'.") }
                tokens.append(.punctuator("..."))
                i += 3
            case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "("), UInt8(ascii: ")"),
                 UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "@"), UInt8(ascii: "["), UInt8(ascii: "]"),
                 UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"):
                tokens.append(.punctuator(String(UnicodeScalar(c))))
                i += 1
            case UInt8(ascii: "_"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                let start = i
                while i < bytes.count, isNameByte(bytes[i]) { i += 1 }
                tokens.append(.name(String(decoding: bytes[start..<i], as: UTF8.self)))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = i
                var isFloat = false
                if bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard i < bytes.count, isDigit(bytes[i]) else { throw fail("Invalid number, expected digit.") }
                if bytes[i] == UInt8(ascii: "0"), i + 1 < bytes.count, isDigit(bytes[i + 1]) {
                    throw fail("Invalid number, unexpected digit after 0.")
                }
                while i < bytes.count, isDigit(bytes[i]) { i += 1 }
                if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                    isFloat = true
                    i += 1
                    guard i < bytes.count, isDigit(bytes[i]) else { throw fail("Invalid number, expected digit.") }
                    while i < bytes.count, isDigit(bytes[i]) { i += 1 }
                }
                if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                    isFloat = true
                    i += 1
                    if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                    guard i < bytes.count, isDigit(bytes[i]) else { throw fail("Invalid number, expected digit.") }
                    while i < bytes.count, isDigit(bytes[i]) { i += 1 }
                }
                if i < bytes.count, isNameByte(bytes[i]) || bytes[i] == UInt8(ascii: ".") {
                    throw fail("Invalid number, expected digit.")
                }
                let text = String(decoding: bytes[start..<i], as: UTF8.self)
                tokens.append(isFloat ? .float(text) : .int(text))
            case UInt8(ascii: "\""):
                if bytes[i...].starts(with: Array("\"\"\"".utf8)) {
                    let (value, next) = try blockString(bytes, from: i + 3)
                    tokens.append(.string(value))
                    i = next
                } else {
                    let (value, next) = try string(bytes, from: i + 1)
                    tokens.append(.string(value))
                    i = next
                }
            default:
                throw fail("Unexpected character \(describe(c)).")
            }
            if tokens.count > maxTokens {
                throw Failure(message: "Syntax Error: Document contains more than \(maxTokens) tokens. Parsing aborted.")
            }
        }
        tokens.append(.end)
        return tokens
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    private static func isNameByte(_ c: UInt8) -> Bool {
        isDigit(c) || c == UInt8(ascii: "_") || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
            || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
    }

    private static func describe(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7F ? "'\(UnicodeScalar(c))'" : "byte 0x" + String(c, radix: 16, uppercase: true)
    }

    /// A quoted string from just after its opening quote; returns the value and the index after the closing quote.
    private static func string(_ bytes: [UInt8], from start: Int) throws(Failure) -> (String, Int) {
        var out: [UInt8] = []
        var i = start
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { return (String(decoding: out, as: UTF8.self), i + 1) }
            if c == 0x0A || c == 0x0D { break }
            if c == UInt8(ascii: "\\") {
                guard i + 1 < bytes.count else { break }
                let e = bytes[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard i + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16),
                          let scalar = UnicodeScalar(code) else {
                        throw Failure(message: "Syntax Error: Invalid Unicode escape sequence.")
                    }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    i += 4
                default:
                    throw Failure(message: "Syntax Error: Invalid character escape sequence: '\\\(UnicodeScalar(e))'.")
                }
                continue
            }
            out.append(c)
            i += 1
        }
        throw Failure(message: "Syntax Error: Unterminated string.")
    }

    /// A `"""` block string from just after its opening quotes, with the spec's common indentation removed.
    private static func blockString(_ bytes: [UInt8], from start: Int) throws(Failure) -> (String, Int) {
        var raw: [UInt8] = []
        var i = start
        while i < bytes.count {
            if bytes[i...].starts(with: Array("\"\"\"".utf8)) {
                return (dedent(String(decoding: raw, as: UTF8.self)), i + 3)
            }
            if bytes[i...].starts(with: Array("\\\"\"\"".utf8)) {
                raw.append(contentsOf: Array("\"\"\"".utf8))
                i += 4
                continue
            }
            raw.append(bytes[i])
            i += 1
        }
        throw Failure(message: "Syntax Error: Unterminated string.")
    }

    private static func dedent(_ raw: String) -> String {
        var lines = raw.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        let indents = lines.dropFirst().compactMap { line -> Int? in
            let n = line.prefix(while: { $0 == " " || $0 == "\t" }).count
            return n < line.count ? n : nil
        }
        if let common = indents.min(), common > 0 {
            lines = [lines[0]] + lines.dropFirst().map { String($0.dropFirst(min(common, $0.count))) }
        }
        while let first = lines.first, first.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeFirst() }
        while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
