import Testing
@testable import TrackingCore

private typealias Tag = TrackingCore.Tag

/// The message of the `MLflowError` that `body` throws, or nil when it throws none.
private func message(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as MLflowError {
        #expect(error.code == .invalidParameterValue)
        return error.message
    } catch {
        return "unexpected \(error)"
    }
}

private let badCharacters = "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.),"
    + " spaces ( ), colon(:) and slashes (/)."

private func badPath(_ resolved: String) -> String {
    "Names may be treated as files in certain cases, and must not resolve to other names when treated as such."
        + " This name would resolve to \(resolved)"
}

@Suite("PosixPath")
struct PosixPathTests {
    @Test(arguments: [
        ("", "."), (".", "."), ("a", "a"), ("a//b", "a/b"), ("./a", "a"), ("a/..", "."), ("a/./b/", "a/b"),
        ("//x", "//x"), ("///x", "/x"), ("////x//y", "/x/y"), ("/..", "/"), ("/../a", "/a"), ("../a", "../a"),
        ("a/../..", ".."), ("../../a/..", "../.."), ("a/b/../../c", "c"), ("/a/b/../../..", "/"), ("//", "//"),
        ("///", "/"), ("a/../b", "b"), ("...", "..."), ("a/.../b", "a/.../b"),
    ])
    func normalizesAsPythonDoes(path: String, expected: String) {
        #expect(PosixPath.normalize(path) == expected)
    }
}

@Suite("PythonFormatting")
struct PythonFormattingTests {
    @Test func jsonStringEscapesAsJSONDumps() {
        #expect(PythonFormatting.jsonString("abc") == #""abc""#)
        #expect(PythonFormatting.jsonString("") == #""""#)
        #expect(PythonFormatting.jsonString("é") == #""\u00e9""#)
        #expect(PythonFormatting.jsonString("caf\u{e9} ok") == #""caf\u00e9 ok""#)
        #expect(PythonFormatting.jsonString("a\"b\\c") == #""a\"b\\c""#)
        #expect(PythonFormatting.jsonString("\n\r\t\u{8}\u{c}") == #""\n\r\t\b\f""#)
        #expect(PythonFormatting.jsonString("\u{1}\u{1f}\u{7f}") == #""\u0001\u001f\u007f""#)
        // Outside the BMP: a UTF-16 surrogate pair, lower-case hex.
        #expect(PythonFormatting.jsonString("😀") == #""\ud83d\ude00""#)
        #expect(PythonFormatting.jsonString("€") == #""\u20ac""#)
        #expect(PythonFormatting.jsonString("/ok:~") == #""/ok:~""#)
    }

    @Test func reprQuotesAsPython() {
        #expect(PythonFormatting.repr("a") == "'a'")
        #expect(PythonFormatting.repr("") == "''")
        #expect(PythonFormatting.repr("it's") == #""it's""#)
        #expect(PythonFormatting.repr(#"say "hi""#) == #"'say "hi"'"#)
        #expect(PythonFormatting.repr(#"it's "x""#) == #"'it\'s "x"'"#)
        #expect(PythonFormatting.repr("a\nb\tc\rd") == #"'a\nb\tc\rd'"#)
        #expect(PythonFormatting.repr("back\\slash") == #"'back\\slash'"#)
        #expect(PythonFormatting.repr("é") == "'é'")
    }

    @Test func floatsAsPythonStr() {
        #expect(PythonFormatting.float(1) == "1.0")
        #expect(PythonFormatting.float(0.5) == "0.5")
        #expect(PythonFormatting.float(-2.25) == "-2.25")
        #expect(PythonFormatting.float(1e-05) == "1e-05")
        #expect(PythonFormatting.float(.nan) == "nan")
        #expect(PythonFormatting.float(.infinity) == "inf")
        #expect(PythonFormatting.float(-.infinity) == "-inf")
    }
}

@Suite("Validation")
struct ValidationTests {
    @Test func messageBuildersMatchMLflow() {
        #expect(Validation.invalidValue("key", #""x""#) == #"Invalid value "x" for parameter 'key' supplied."#)
        #expect(Validation.invalidValue("key", "1", "because") == "Invalid value 1 for parameter 'key' supplied: because")
        #expect(Validation.missingValue("metrics[0].value") == "Missing value for required parameter 'metrics[0].value'.")
        #expect(Validation.exceedsMaximumLength("name", 500) == "'name' exceeds the maximum length of 500 characters")
    }

    @Test(arguments: ["a", "a b", "a:b", "a/b", "a.b", "a-b", "a_b", "métrique", "ключ", "数据", "x1/y2.z3", "a..b"])
    func acceptsValidNames(name: String) throws {
        #expect(try Validation.validatedParam(Param(key: name, value: "v")) == Param(key: name, value: "v"))
        #expect(try Validation.validatedTag(Tag(key: name, value: "v")) == Tag(key: name, value: "v"))
        #expect(message { try Validation.validateMetric(Metric(key: name, value: 1, timestamp: 0, step: 0)) } == nil)
    }

    @Test(arguments: [
        ("bad!char", #""bad!char""#, badCharacters),
        ("tab\there", #""tab\there""#, badCharacters),
        ("a=b", #""a=b""#, badCharacters),
        ("a/../b", #""a/../b""#, badPath("'b'")),
        ("/abs", #""/abs""#, badPath("'/abs'")),
        ("./a", #""./a""#, badPath("'a'")),
        ("a//b", #""a//b""#, badPath("'a/b'")),
        ("a/", #""a/""#, badPath("'a'")),
        ("..", #""..""#, badPath("'..'")),
        ("../x", #""../x""#, badPath("'../x'")),
        (".", #"".""#, badPath("'.'")),
        ("", #""""#, badPath("'.'")),
        ("é/./x", #""\u00e9/./x""#, badPath("'é/x'")),
    ])
    func rejectsBadNamesWithMLflowsMessages(name: String, rendered: String, reason: String) {
        #expect(message { _ = try Validation.validatedParam(Param(key: name, value: "v")) }
                == "Invalid value \(rendered) for parameter 'key' supplied: \(reason)")
        #expect(message { _ = try Validation.validatedTag(Tag(key: name, value: "v"), path: "tags[3]") }
                == "Invalid value \(rendered) for parameter 'tags[3].key' supplied: \(reason)")
        #expect(message { try Validation.validateMetric(Metric(key: name, value: 1, timestamp: 0, step: 0), path: "metrics[0]") }
                == "Invalid value \(rendered) for parameter 'metrics[0].name' supplied: \(reason)")
        #expect(message { try Validation.validateExperimentTag(Tag(key: name, value: "v")) }
                == "Invalid value \(rendered) for parameter 'key' supplied: \(reason)")
    }

    @Test func keyLengthLimits() {
        let ok = String(repeating: "k", count: 250)
        let long = String(repeating: "k", count: 251)
        #expect(message { _ = try Validation.validatedParam(Param(key: ok, value: "")) } == nil)
        #expect(message { _ = try Validation.validatedParam(Param(key: long, value: "")) }
                == "'Param key' exceeds the maximum length of 250 characters")
        #expect(message { _ = try Validation.validatedTag(Tag(key: long, value: "")) }
                == "'key' exceeds the maximum length of 250 characters")
        #expect(message { _ = try Validation.validatedTag(Tag(key: long, value: ""), path: "tags[0]") }
                == "'tags[0].key' exceeds the maximum length of 250 characters")
        #expect(message { try Validation.validateMetric(Metric(key: long, value: 1, timestamp: 0, step: 0)) }
                == "'Metric name' exceeds the maximum length of 250 characters")
        #expect(message { try Validation.validateExperimentTag(Tag(key: long, value: "")) }
                == "'key' exceeds the maximum length of 250 characters")
        #expect(message { try Validation.validateExperimentTag(Tag(key: "k", value: String(repeating: "v", count: 20001))) }
                == "'value' exceeds the maximum length of 20000 characters")
        // Length is counted in Unicode scalars, as Python's len() counts code points.
        #expect(message { _ = try Validation.validatedParam(Param(key: String(repeating: "é", count: 250), value: "")) } == nil)
    }

    @Test func metricTimestampMustBeNonNegative() {
        #expect(message { try Validation.validateMetric(Metric(key: "m", value: 1.5, timestamp: -1, step: 0)) }
                == "Invalid value -1 for parameter 'timestamp' supplied: metric 'm' (value=1.5). "
                    + "Timestamp must be a nonnegative long (64-bit integer) ")
        #expect(message { try Validation.validateMetric(Metric(key: "m", value: .nan, timestamp: -7, step: 0), path: "metrics[2]") }
                == "Invalid value -7 for parameter 'metrics[2].timestamp' supplied: metric 'm' (value=nan). "
                    + "Timestamp must be a nonnegative long (64-bit integer) ")
        #expect(message { try Validation.validateMetric(Metric(key: "m", value: .infinity, timestamp: 0, step: -3)) } == nil)
    }

    @Test func valuesAreTruncatedByUnicodeScalars() throws {
        let param = try Validation.validatedParam(Param(key: "p", value: String(repeating: "a", count: 6001)))
        #expect(param.value == String(repeating: "a", count: 6000))
        let exact = try Validation.validatedParam(Param(key: "p", value: String(repeating: "a", count: 6000)))
        #expect(exact.value.count == 6000)
        let tag = try Validation.validatedTag(Tag(key: "t", value: String(repeating: "😀", count: 8001)))
        #expect(tag.value == String(repeating: "😀", count: 8000))
        #expect(tag.value.unicodeScalars.count == 8000)
        // A combining accent is its own scalar (Python counts it too): the cut may split a grapheme.
        #expect(Validation.truncated("e\u{301}e\u{301}", to: 3).unicodeScalars.map(\.value) == [0x65, 0x301, 0x65])
        #expect(Validation.truncated("abc", to: 3) == "abc")
        #expect(Validation.truncated("", to: 0) == "")
        #expect(Validation.length("e\u{301}") == 2)
    }

    @Test func experimentNames() {
        #expect(message { try Validation.validateExperimentName("") } == "Invalid experiment name: ''")
        #expect(message { try Validation.validateExperimentName(String(repeating: "n", count: 500)) } == nil)
        #expect(message { try Validation.validateExperimentName(String(repeating: "n", count: 501)) }
                == "'name' exceeds the maximum length of 500 characters")
        // Experiment names are free text.
        #expect(message { try Validation.validateExperimentName("a/../b !?") } == nil)
    }

    @Test func batchLimits() {
        #expect(message { try Validation.validateBatchLimits(metrics: 1000, params: 0, tags: 0) } == nil)
        #expect(message { try Validation.validateBatchLimits(metrics: 800, params: 100, tags: 100) } == nil)
        #expect(message { try Validation.validateBatchLimits(metrics: 1001, params: 0, tags: 0) }
                == "A batch logging request can contain at most 1000 metrics. Got 1001 metrics. "
                    + "Please split up metrics across multiple requests and try again.")
        #expect(message { try Validation.validateBatchLimits(metrics: 0, params: 101, tags: 0) }
                == "A batch logging request can contain at most 100 params. Got 101 params. "
                    + "Please split up params across multiple requests and try again.")
        #expect(message { try Validation.validateBatchLimits(metrics: 0, params: 0, tags: 101) }
                == "A batch logging request can contain at most 100 tags. Got 101 tags. "
                    + "Please split up tags across multiple requests and try again.")
        // The per-kind limits are checked before the total.
        #expect(message { try Validation.validateBatchLimits(metrics: 1001, params: 101, tags: 101) }?
                    .hasPrefix("A batch logging request can contain at most 1000 metrics.") == true)
        #expect(message { try Validation.validateBatchLimits(metrics: 801, params: 100, tags: 100) }
                == "A batch logging request can contain at most 1000 metrics, params, and tags. "
                    + "Got 1001 metrics, params, and tags. Please split up metrics, params, and tags across "
                    + "multiple requests and try again.")
    }

    @Test func uniqueParamKeys() {
        let params = ["a", "b", "a", "b", "c"].map { Param(key: $0, value: "1") }
        #expect(message { try Validation.validateUniqueParamKeys(params) }
                == "Duplicate parameter keys have been submitted: ['a', 'b']. Please ensure the request contains "
                    + "only one param value per param key.")
        // Each repeat is listed, as MLflow's list does.
        #expect(message { try Validation.validateUniqueParamKeys(["a", "a", "a"].map { Param(key: $0, value: "") }) }?
                    .hasPrefix("Duplicate parameter keys have been submitted: ['a', 'a']. ") == true)
        #expect(message { try Validation.validateUniqueParamKeys([Param(key: "it's", value: "1"), Param(key: "it's", value: "2")]) }?
                    .hasPrefix(#"Duplicate parameter keys have been submitted: ["it's"]. "#) == true)
        #expect(message { try Validation.validateUniqueParamKeys(["a", "b"].map { Param(key: $0, value: "1") }) } == nil)
        #expect(message { try Validation.validateUniqueParamKeys([]) } == nil)
    }

    @Test func maxResultsBounds() {
        #expect(message { try Validation.validateMaxResults(1) } == nil)
        #expect(message { try Validation.validateMaxResults(50000) } == nil)
        #expect(message { try Validation.validateMaxResults(0) }
                == "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer")
        #expect(message { try Validation.validateMaxResults(-5) }
                == "Invalid value -5 for parameter 'max_results' supplied. It must be a positive integer")
        #expect(message { try Validation.validateMaxResults(50001) }
                == "Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000")
    }

    @Test(arguments: ["a", "0", "abc123", "a_b-c", "A" + String(repeating: "x", count: 255), "aé", "Z-"])
    func acceptsRunIds(runId: String) {
        #expect(message { try Validation.validateRunId(runId) } == nil)
    }

    @Test(arguments: [
        ("", #""""#), ("-abc", #""-abc""#), ("_a", #""_a""#), ("a b", #""a b""#), ("a/b", #""a/b""#),
        ("a" + String(repeating: "x", count: 256), "\"a" + String(repeating: "x", count: 256) + "\""),
        ("ébad", #""\u00e9bad""#), ("a.b", #""a.b""#),
    ])
    func rejectsRunIds(runId: String, rendered: String) {
        #expect(message { try Validation.validateRunId(runId) } == "Invalid value \(rendered) for parameter 'run_id' supplied.")
        #expect(message { try Validation.validateRunId(runId, path: "run_uuid") }
                == "Invalid value \(rendered) for parameter 'run_uuid' supplied.")
    }

    @Test func wordCharactersFollowPythonsDefinition() {
        // Python's `\w` is str.isalnum() or "_": digits of any script yes, combining marks (Mc/Mn) no.
        #expect(message { try Validation.validateRunId("a\u{663}") } == nil)
        // Combining vowel signs are Unicode-alphabetic but not word characters for Python's \w.
        #expect(message { try Validation.validateRunId("a\u{93e}") }
                == #"Invalid value "a\u093e" for parameter 'run_id' supplied."#)
        #expect(message { _ = try Validation.validatedParam(Param(key: "\u{915}\u{93e}", value: "")) }
                == #"Invalid value "\u0915\u093e" for parameter 'key' supplied: "# + badCharacters)
    }

    @Test func datasetLimits() {
        let dataset = Dataset(name: "d", digest: String(repeating: "0", count: 36), sourceType: "local", source: "s")
        #expect(message { try Validation.validateDatasetInput(DatasetInput(dataset: dataset)) } == nil)
        var long = dataset
        long.digest += "0"
        #expect(message { try Validation.validateDatasetInput(DatasetInput(dataset: long)) }
                == "'Dataset digest' exceeds the maximum length of 36 characters")
        let tagged = DatasetInput(dataset: dataset, tags: [Tag(key: "k", value: String(repeating: "v", count: 501))])
        #expect(message { try Validation.validateDatasetInput(tagged) }
                == "'Input tag value' exceeds the maximum length of 500 characters")
    }
}
