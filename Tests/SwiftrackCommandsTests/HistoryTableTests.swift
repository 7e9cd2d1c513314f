import Foundation
import Testing
@testable import SwiftrackCommands

/// `swiftrack models history`: the history route's entries as an aligned table.
@Suite struct HistoryTableTests {
    @Test func rendersAlignedColumnsWithPlaceholders() {
        let table = HistoryTable.render([
            ["timestamp": NSNumber(value: 1_700_000_000_000 as Int64), "user_id": "alice", "kind": "alias",
             "version": "2", "alias": "champion", "from": "1", "to": "2"],
            ["kind": "stage", "version": "3", "from": "Staging", "to": "Production", "rollback": true],
            ["timestamp": NSNumber(value: 1_700_000_001_999 as Int64), "user_id": "bob", "kind": "alias",
             "version": "2", "alias": "champion", "from": "2"],
        ])
        #expect(table.split(separator: "\n", omittingEmptySubsequences: false) == [
            "TIME                  USER   KIND   VERSION  ALIAS     CHANGE                 NOTE",
            "2023-11-14T22:13:20Z  alice  alias  2        champion  1 -> 2",
            "-                     -      stage  3        -         Staging -> Production  rollback",
            "2023-11-14T22:13:21Z  bob    alias  2        champion  2 -> (none)",
        ])
    }

    @Test func anEntryWithoutItsFieldsShowsWhatIsMissing() {
        #expect(HistoryTable.row([:]) == ["-", "-", "?", "?", "-", "(none) -> (none)", ""])
        #expect(HistoryTable.time("1700000000000") == "-")
    }
}
