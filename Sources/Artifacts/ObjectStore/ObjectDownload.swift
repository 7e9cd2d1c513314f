import Foundation
import TrackingCore

/// Downloads an object into a new temporary file, removed again if the download fails.
enum ObjectDownload {
    /// `download` writes the object to the path it is given and returns the bytes written.
    static func intoTemporaryFile(artifactPath: String, temporaryDirectory: String, label: String,
                                  _ download: (String) throws -> Int64) throws -> LocalArtifactFile {
        let temporary = ArtifactPath.join(temporaryDirectory, "\(label)-download-\(UUID().uuidString)")
        do {
            return LocalArtifactFile(path: temporary, size: try download(temporary), isTemporary: true)
        } catch let error as MLflowError {
            try? FileManager.default.removeItem(atPath: temporary)
            if error.code == .resourceDoesNotExist {
                throw MLflowError.notFound("No such file or directory: '\(artifactPath)' (\(error.message))")
            }
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }
}
