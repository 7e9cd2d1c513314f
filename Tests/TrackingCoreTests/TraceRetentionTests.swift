import Testing
import TrackingCore

/// Trace retention's durations (MLflow's `<int><unit>` form) and what one pass deletes.
@Suite struct TraceRetentionTests {
    @Test func durationsInMinutesHoursAndDays() throws {
        #expect(try TraceRetention.milliseconds("90m") == 5_400_000)
        #expect(try TraceRetention.milliseconds(" 12h ") == 43_200_000)
        #expect(try TraceRetention.milliseconds("30d") == 2_592_000_000)
        let bads: [String] = ["", "d", "30", "30s", "1.5h", "-1d", "0d", "3 d", "٣d", "1d2h", String(repeating: "9", count: 40) + "d"]
        for bad in bads {
            let error = #expect(throws: MLflowError.self, "\(bad)") { try TraceRetention.milliseconds(bad) }
            #expect(error?.code == .invalidParameterValue)
        }
        let overflow = #expect(throws: MLflowError.self) { try TraceRetention.milliseconds("9999999999999999d") }
        #expect(overflow?.message == "Trace retention '9999999999999999d' is too long.")
        let form = #expect(throws: MLflowError.self) { try TraceRetention.milliseconds("2w") }
        #expect(form?.message == "Trace retention must be in the form `<int><unit>`, where unit is one of 'm', 'h', or 'd' "
                    + "(for example '30d' or '12h'), got '2w'.")
    }

    @Test func tagsWinOverTheDefaultAndUnreadableTagsKeepTheirTraces() {
        let now: Int64 = 10_000_000_000
        let pass = TraceRetention.Pass(now: now, defaultMillis: 86_400_000, tags: ["7": "1h", "3": "forever", "12": "2d"])
        let expected: [TraceRetention.Pass.Target] = [
            TraceRetention.Pass.Target(scope: .experiment("12"), cutoffMillis: now - 172_800_000),
            TraceRetention.Pass.Target(scope: .experiment("7"), cutoffMillis: now - 3_600_000),
            TraceRetention.Pass.Target(scope: .untaggedExperiments, cutoffMillis: now - 86_400_000),
        ]
        #expect(pass.targets == expected)
        #expect(pass.unreadable.map(\.experimentId) == ["3"])
        // No default: only the tagged experiments.
        let tagOnly: [TraceRetention.Pass.Target] = [TraceRetention.Pass.Target(scope: .experiment("7"),
                                                                                 cutoffMillis: now - 3_600_000)]
        #expect(TraceRetention.Pass(now: now, defaultMillis: nil, tags: ["7": "1h"]).targets == tagOnly)
        #expect(TraceRetention.Pass(now: now, defaultMillis: nil, tags: [:]).targets.isEmpty)
    }
}
