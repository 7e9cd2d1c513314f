import Foundation
import Testing
@testable import Artifacts
import TrackingCore

/// The listing, missing-object and delete checks that every object-store integration test runs on
/// a repository holding `a.txt` (1234 bytes), `model/weights.bin` (`largeSize`), `model/sub/...`,
/// `modelx/...` and `odd name/ü+&.txt` (1234 bytes).
/// `downloadLabel` names the store's temporary download files; `missingMarker` is the store's own
/// error code, which the not-found message must carry.
func checkListingMissingAndDelete(_ repository: any ArtifactRepository, largeSize: Int64, scratch: String,
                                  downloadLabel: String, missingMarker: String) throws {
    #expect(try repository.list("") == [
        ArtifactFileInfo(path: "a.txt", isDirectory: false, fileSize: 1234),
        ArtifactFileInfo(path: "model", isDirectory: true, fileSize: nil),
        ArtifactFileInfo(path: "modelx", isDirectory: true, fileSize: nil),
        ArtifactFileInfo(path: "odd name", isDirectory: true, fileSize: nil),
    ])
    #expect(try repository.list("model") == [
        ArtifactFileInfo(path: "model/sub", isDirectory: true, fileSize: nil),
        ArtifactFileInfo(path: "model/weights.bin", isDirectory: false, fileSize: largeSize),
    ])
    #expect(try repository.list("odd name") == [ArtifactFileInfo(path: "odd name/ü+&.txt", isDirectory: false, fileSize: 1234)])
    #expect(try repository.list("a.txt").isEmpty)
    #expect(try repository.list("nothing/here").isEmpty)

    let downloads = {
        try FileManager.default.contentsOfDirectory(atPath: scratch).filter { $0.hasPrefix("\(downloadLabel)-download-") }
    }
    let before = try downloads()
    let missing = #expect(throws: MLflowError.self) { try repository.fetch("model/missing.bin", temporaryDirectory: scratch) }
    #expect(missing?.code == .resourceDoesNotExist)
    #expect(missing?.message.contains(missingMarker) == true)
    #expect(try downloads() == before, "a failed download leaves no temporary file")
    // A download nobody holds any more is gone: its owner removed it.
    let dropped = try repository.fetch("a.txt", temporaryDirectory: scratch).path
    #expect(!FileManager.default.fileExists(atPath: dropped))
    #expect(try downloads() == before)

    try repository.delete("a.txt")
    try repository.delete("model")
    #expect(try repository.list("") == [
        ArtifactFileInfo(path: "modelx", isDirectory: true, fileSize: nil),
        ArtifactFileInfo(path: "odd name", isDirectory: true, fileSize: nil),
    ])
    #expect(try repository.list("model").isEmpty)
    #expect(try repository.list("modelx").count == 1, "deleting 'model' leaves its sibling 'modelx'")
    try repository.delete("")
    #expect(try repository.list("").isEmpty)
}
