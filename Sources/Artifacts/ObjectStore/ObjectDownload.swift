import Foundation
import TemporaryFiles
import TrackingCore

/// Downloads an object into a new temporary file, removed again if the download fails (its owner is dropped).
enum ObjectDownload {
    /// `download` writes the object to the path it is given and returns the bytes written.
    static func intoTemporaryFile(artifactPath: String, temporaryDirectory: String, label: String,
                                  _ download: (String) throws -> Int64) throws -> LocalArtifactFile {
        // Owned before the first byte lands: a failed or dropped download removes what was written.
        let owner = TemporaryFile(path: ArtifactPath.join(temporaryDirectory, "\(label)-download-\(UUID().uuidString)"))
        do {
            let size = try download(owner.path)
            return LocalArtifactFile(path: owner.path, size: size, temporary: owner)
        } catch let error as MLflowError where error.code == .resourceDoesNotExist {
            throw MLflowError.notFound("No such file or directory: '\(artifactPath)' (\(error.message))")
        }
    }
}
