import Foundation

/// What `swiftrack models verify` prints, from the server's verify answer: one line per sealed
/// version, then each mismatching file under it, then the verdict. It passes only when at least one
/// sealed version was verified and every one matched.
struct SealReport {
    let text: String
    let passed: Bool

    init(name: String, versions: [[String: Any]]) {
        guard !versions.isEmpty else {
            text = "No sealed versions of '\(name)': nothing was verified."
            passed = false
            return
        }
        var lines: [String] = []
        var failed = 0
        for version in versions {
            let number = version["version"] as? String ?? "?"
            let digest = version["digest"] as? String ?? "?"
            let files = (version["file_count"] as? NSNumber)?.intValue ?? 0
            let sealedBy = (version["approver"] as? String).map { " by \($0)" } ?? ""
            let sealedAt = version["sealed_time"] == nil ? "" : " on " + HistoryTable.time(version["sealed_time"])
            let ok = version["ok"] as? Bool ?? false
            if ok {
                lines.append("'\(name)' version \(number): OK, \(files) files match seal \(digest) (sealed\(sealedAt)\(sealedBy))")
                continue
            }
            failed += 1
            lines.append("'\(name)' version \(number): MISMATCH against seal \(digest) (sealed\(sealedAt)\(sealedBy))")
            if version["manifest_matches_digest"] as? Bool == false {
                lines.append("  the stored manifest no longer matches its digest")
            }
            for mismatch in version["mismatches"] as? [[String: Any]] ?? [] {
                lines.append("  " + (mismatch["detail"] as? String ?? mismatch["path"] as? String ?? "?"))
            }
        }
        lines.append(failed == 0 ? "All \(versions.count) sealed versions match their seals."
                     : "\(failed) of \(versions.count) sealed versions do not match their seals.")
        text = lines.joined(separator: "\n")
        passed = failed == 0
    }
}
