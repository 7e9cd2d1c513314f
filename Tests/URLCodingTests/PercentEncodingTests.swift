import Testing
import URLCoding

/// Percent-encoding keeps only RFC 3986's unreserved characters, and decoding undoes it.
@Suite("Percent-encoding")
struct PercentEncodingTests {
    @Test func encodesAllButUnreservedBytes() {
        #expect(PercentEncoding.encode("AZaz09-._~") == "AZaz09-._~")
        #expect(PercentEncoding.encode("run_id='a b'&x=/?#%+") == "run_id%3D%27a%20b%27%26x%3D%2F%3F%23%25%2B")
        #expect(PercentEncoding.encode("é\u{0}\n") == "%C3%A9%00%0A")
    }

    @Test func decodingUndoesEncoding() {
        for text in ["", "plain", "a b+c", "名前 / ü", "%41 literal", "\u{7F}\u{1}"] {
            #expect(PercentDecoding.decode(PercentEncoding.encode(text), plusIsSpace: true) == text)
        }
    }
}
