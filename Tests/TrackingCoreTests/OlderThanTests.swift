import Testing
import TrackingCore

@Suite("gc --older-than")
struct OlderThanTests {
    @Test func mlflowFormats() throws {
        #expect(try OlderThan("30d").milliseconds == 2_592_000_000)
        #expect(try OlderThan("1d2h3m4s").milliseconds == 93_784_000)
        #expect(try OlderThan("1.5h").milliseconds == 5_400_000)
        #expect(try OlderThan("0s").milliseconds == 0)
        #expect(try OlderThan("2m4s").milliseconds == 124_000)
        #expect(try OlderThan("1.2d3h4m5s").milliseconds == 114_725_000)
    }

    @Test(arguments: ["3x", "1s2m", "d", "1h1h", "1.2.3d", "-1d", "1d "])
    func refused(text: String) {
        #expect(throws: MLflowError.invalidParameter("Could not parse any time information from '\(text)'. "
                                                     + "Examples of valid strings: '8h', '2d8h5m20s', '2m4s'")) {
            try OlderThan(text)
        }
    }
}
