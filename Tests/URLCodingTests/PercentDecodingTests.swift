import Testing
import URLCoding

/// Query strings split into repeated names, and paths decoded once.
@Suite struct PercentDecodingTests {
    @Test func decodesQueriesWithRepeatedNames() {
        let items = PercentDecoding.queryItems("run_ids=a&run_ids=b&k=x+y%21&empty=&bad=%zz")
        #expect(items.map(\.name) == ["run_ids", "run_ids", "k", "empty", "bad"])
        #expect(items.map(\.value) == ["a", "b", "x y!", "", "%zz"])
    }

    @Test func decodesPathsOnceWithoutTurningPlusIntoSpace() {
        #expect(PercentDecoding.decode("/a+b/%252e%252e", plusIsSpace: false) == "/a+b/%2e%2e")
    }
}
