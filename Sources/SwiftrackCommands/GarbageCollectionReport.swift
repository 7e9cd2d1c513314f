import Artifacts
import Foundation
import TrackingCore

/// What `swiftrack gc` did or would do, printed as it goes and summed up at the end.
struct GarbageCollectionReport {
    /// One deleted (or, in a dry run, deletable) run, logged model or experiment.
    struct Entry {
        var kind: GarbageCollectionPlan.Kept.Kind
        var id: String
        var detail: String
        /// nil when unknown (the listing failed) or not applicable (experiments).
        var usage: ArtifactUsage?
        var rows: Int?
    }

    let dryRun: Bool
    var removed: [Entry] = []
    var kept: [GarbageCollectionPlan.Kept] = []
    var failures: [String] = []

    var verb: String { dryRun ? "would delete" : "deleted" }

    func line(_ entry: Entry) -> String {
        var parts = [entry.detail]
        if let rows = entry.rows { parts.append("\(rows) rows") }
        if let usage = entry.usage { parts.append("\(usage.files) artifact files, \(Self.bytes(usage.bytes))") }
        let details = parts.filter { !$0.isEmpty }.joined(separator: ", ")
        return "\(verb) \(entry.kind.rawValue) \(entry.id)" + (details.isEmpty ? "" : ": " + details)
    }

    func keptLine(_ kept: GarbageCollectionPlan.Kept) -> String {
        "kept \(kept.kind.rawValue) \(kept.id): \(kept.reason)"
    }

    var summary: String {
        func count(_ kind: GarbageCollectionPlan.Kept.Kind) -> Int { removed.filter { $0.kind == kind }.count }
        let usage = removed.compactMap(\.usage).reduce(ArtifactUsage(), +)
        var text = "\(dryRun ? "dry run: would delete" : "deleted") \(count(.run)) runs, \(count(.loggedModel)) logged models, "
            + "\(count(.experiment)) experiments (\(usage.files) artifact files, \(Self.bytes(usage.bytes)))"
        if !dryRun { text += ", \(removed.compactMap(\.rows).reduce(0, +)) rows" }
        text += "; kept \(kept.count); failed \(failures.count)"
        return text
    }

    /// `1234 bytes (1.2 KB)`: exact, then readable.
    static func bytes(_ count: Int64) -> String {
        guard count >= 1024 else { return "\(count) bytes" }
        let units = ["KB", "MB", "GB", "TB"]
        var value = Double(count) / 1024
        var unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return "\(count) bytes (\(String(format: "%.1f", value)) \(units[unit]))"
    }
}
