import Foundation
import Testing
@testable import SwiftrackCommands

/// What `swiftrack models verify` prints and whether it passes, from the server's verify answer.
@Suite("models verify: the report")
struct SealReportTests {
    private func version(_ number: String, ok: Bool, mismatches: [[String: Any]] = [],
                         manifestIntact: Bool = true) -> [String: Any] {
        ["name": "churn", "version": number, "digest": "1f60", "sealed_time": NSNumber(value: 1_795_618_017_141 as Int64),
         "approver": "gil", "file_count": NSNumber(value: 2), "ok": ok, "manifest_matches_digest": manifestIntact,
         "mismatches": mismatches]
    }

    @Test func everyVersionMatchingPasses() {
        let report = SealReport(name: "churn", versions: [version("1", ok: true), version("3", ok: true)])
        #expect(report.passed)
        #expect(report.text == """
            'churn' version 1: OK, 2 files match seal 1f60 (sealed on 2026-11-25T14:46:57Z by gil)
            'churn' version 3: OK, 2 files match seal 1f60 (sealed on 2026-11-25T14:46:57Z by gil)
            All 2 sealed versions match their seals.
            """)
    }

    @Test func aMismatchFailsAndNamesTheFiles() {
        let report = SealReport(name: "churn", versions: [
            version("1", ok: true),
            version("2", ok: false, mismatches: [
                ["path": "extra.py", "kind": "added", "detail": "extra.py: added after sealing"],
                ["path": "model.pkl", "kind": "changed", "detail": "model.pkl: changed (sealed 10 bytes, ...)"],
            ], manifestIntact: false),
        ])
        #expect(!report.passed)
        #expect(report.text == """
            'churn' version 1: OK, 2 files match seal 1f60 (sealed on 2026-11-25T14:46:57Z by gil)
            'churn' version 2: MISMATCH against seal 1f60 (sealed on 2026-11-25T14:46:57Z by gil)
              the stored manifest no longer matches its digest
              extra.py: added after sealing
              model.pkl: changed (sealed 10 bytes, ...)
            1 of 2 sealed versions do not match their seals.
            """)
    }

    @Test func nothingSealedIsNotAPass() {
        let report = SealReport(name: "churn", versions: [])
        #expect(!report.passed)
        #expect(report.text == "No sealed versions of 'churn': nothing was verified.")
    }
}
