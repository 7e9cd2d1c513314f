import Testing
@testable import JSON

@Suite struct JSONParserTests {
    @Test func parsesScalarsAndKeepsInt64Precision() throws {
        let value = try JSONParser.parse(#"{"a": 9007199254740993, "b": -1.5e3, "c": true, "d": null, "e": "x"}"#)
        #expect(value["a"] == .integer(9_007_199_254_740_993))
        #expect(value["b"] == .double(-1500))
        #expect(value["c"] == .bool(true))
        #expect(value["d"] == .null)
        #expect(value["e"] == .string("x"))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#"["a\"b\\c\n", "\u00e9\ud83d\ude00", "\ud800x"]"#)
        #expect(value == .array([.string("a\"b\\c\n"), .string("é😀"), .string("\u{FFFD}x")]))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"abc", "{\"a\":1}x", "[1 2]",
                      "\"\u{01}\"", "'a'", "NaN", "{a:1}"])
    func rejectsMalformedDocuments(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func limitsNestingDepth() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let shallow = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        #expect((try? JSONParser.parse(shallow)) != nil)
    }

    @Test func limitsHowManyValuesADocumentHolds() throws {
        // `[1, {"a": 2}]` holds four values: the array, 1, the object and 2.
        #expect(try JSONParser.parse(#"[1, {"a": 2}]"#, maxValues: 4) == .array([.integer(1), .object([("a", .integer(2))])]))
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(#"[1, {"a": 2}]"#, maxValues: 3) }
        #expect(error?.message == "too many values")
    }

    @Test func repeatedKeysReadAsTheLastOne() throws {
        #expect(try JSONParser.parse(#"{"k": 1, "k": 2}"#)["k"] == .integer(2))
    }
}

@Suite struct JSONWriterTests {
    @Test func writesEveryIntegerAsItsDecimalDigits() {
        let numbers: [Int64] = [0, 7, -1, 10, -10, 1_700_000_000_000, .max, .min, .max - 1, .min + 1]
        for number in numbers {
            #expect(JSONWriter.string(.integer(number)) == String(number))
        }
        #expect(JSONWriter.string(.array(numbers.prefix(3).map(JSONValue.integer))) == "[0,7,-1]")
    }

    @Test func writesCompactOrderedObjects() {
        let value = JSONValue.object([("b", .integer(1)), ("a", .array([.bool(false), .null])), ("s", .string("q\"\n\u{01}"))])
        #expect(JSONWriter.string(value) == #"{"b":1,"a":[false,null],"s":"q\"\n\u0001"}"#)
    }

    @Test func writesDoublesAndNonFiniteValues() {
        #expect(JSONWriter.string(.array([.double(0.5), .double(1), .double(.nan), .double(.infinity), .double(-.infinity)]))
                == #"[0.5,1.0,"NaN","Infinity","-Infinity"]"#)
        #expect(JSONWriter.string(.double(1.7976931348623157e308)) == "1.7976931348623157e+308")
    }

    @Test func escapesOnlyWhatMustBeEscapedWhereverItStands() throws {
        let cases: [(String, String)] = [
            ("", #""""#), ("plain", #""plain""#), ("\"", #""\"""#), ("a\\b", #""a\\b""#),
            ("\ttab at start", #""\ttab at start""#), ("end\n", #""end\n""#),
            ("x\u{1F}\u{7F}🚀\r", "\"x\\u001f\u{7F}🚀\\r\""),
            // Backspace and form feed in their two-character forms, as Python's json.dumps writes them.
            ("\u{08}\u{0C}", #""\b\f""#),
        ]
        for (text, expected) in cases {
            #expect(JSONWriter.string(.string(text)) == expected)
            #expect(try JSONParser.parse(JSONWriter.bytes(.string(text))) == .string(text))
        }
    }

    @Test func roundTripsThroughTheParser() throws {
        let value = JSONValue.object([("k", .string("ünï €")), ("n", .integer(-42)), ("d", .double(0.1))])
        #expect(try JSONParser.parse(JSONWriter.bytes(value)) == value)
    }
}
