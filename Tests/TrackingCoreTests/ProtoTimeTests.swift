import Testing
import TrackingCore

@Suite struct ProtoTimeTests {
    /// Values checked against Python's `google.protobuf.timestamp_pb2.Timestamp.ToJsonString()`.
    @Test func timestampsPrintAsProtobufPrintsThem() {
        #expect(ProtoTime.timestamp(millis: 0) == "1970-01-01T00:00:00Z")
        #expect(ProtoTime.timestamp(millis: 1_700_000_000_123) == "2023-11-14T22:13:20.123Z")
        #expect(ProtoTime.timestamp(millis: 951_782_400_000) == "2000-02-29T00:00:00Z")
        #expect(ProtoTime.timestamp(millis: -1) == "1969-12-31T23:59:59.999Z")
        #expect(ProtoTime.timestamp(millis: 253_402_300_799_999) == "9999-12-31T23:59:59.999Z")
    }

    @Test func timestampsParseEveryRFC3339Spelling() {
        #expect(ProtoTime.millis(timestamp: "2023-11-14T22:13:20.123Z") == 1_700_000_000_123)
        #expect(ProtoTime.millis(timestamp: "2023-11-14T22:13:20Z") == 1_700_000_000_000)
        #expect(ProtoTime.millis(timestamp: "2023-11-14T22:13:20.123456789Z") == 1_700_000_000_123)
        #expect(ProtoTime.millis(timestamp: "2023-11-14T22:13:20.1Z") == 1_700_000_000_100)
        #expect(ProtoTime.millis(timestamp: "2023-11-15T00:13:20.5+02:00") == 1_700_000_000_500)
        #expect(ProtoTime.millis(timestamp: "2023-11-14T20:13:20-02:00") == 1_700_000_000_000)
        #expect(ProtoTime.millis(timestamp: "1969-12-31T23:59:59.999Z") == -1)
        for bad in ["", "2023-11-14", "2023-11-14T22:13:20", "2023-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
                    "2023-11-14T24:00:00Z", "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20.1234567890Z",
                    "2023-11-14T22:13:20Zjunk", "2023-11-14T22:13:20+0200", "２０２３-11-14T22:13:20Z", "1700000000123"] {
            #expect(ProtoTime.millis(timestamp: bad) == nil, "\(bad)")
        }
        for millis: Int64 in [0, 1, 999, 1_000, 1_700_000_000_123, -86_400_000, 4_102_444_800_000] {
            #expect(ProtoTime.millis(timestamp: ProtoTime.timestamp(millis: millis)) == millis)
        }
    }

    @Test func durationsRoundTrip() {
        #expect(ProtoTime.duration(millis: 10) == "0.010s")
        #expect(ProtoTime.duration(millis: 1_500) == "1.500s")
        #expect(ProtoTime.duration(millis: 3_000) == "3s")
        #expect(ProtoTime.duration(millis: -10) == "-0.010s")
        #expect(ProtoTime.millis(duration: "0.010s") == 10)
        #expect(ProtoTime.millis(duration: "1.5s") == 1_500)
        #expect(ProtoTime.millis(duration: "2s") == 2_000)
        #expect(ProtoTime.millis(duration: "0.123456789s") == 123)
        #expect(ProtoTime.millis(duration: "-1.250s") == -1_250)
        for bad in ["", "s", "1", "1.s", ".5s", "1.5", "1.5ms", "1e3s", "1.0000000000s", "+1s", "99999999999999s"] {
            #expect(ProtoTime.millis(duration: bad) == nil, "\(bad)")
        }
    }
}
