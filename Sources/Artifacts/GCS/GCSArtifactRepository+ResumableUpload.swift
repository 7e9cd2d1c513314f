import OutboundHTTP
import TrackingCore

/// Resumable uploads: one session, then the file sent chunk by chunk from its offsets, each
/// chunk's acknowledgement (308 with `Range`) telling where the next one starts.
extension GCSArtifactRepository {
    /// Rounds a chunk size down to GCS's 256 KiB granularity.
    static func effectiveChunkSize(_ configured: Int64) -> Int64 {
        max(256 << 10, configured / (256 << 10) * (256 << 10))
    }

    func uploadResumable(localPath: String, size: Int64, name: String) throws {
        let session = try startSession(name: name, size: size)
        let chunkSize = Self.effectiveChunkSize(configuration.chunkSize)
        var offset: Int64 = 0
        var stalls = 0
        while true {
            let length = min(chunkSize, size - offset)
            let last = offset + length == size
            let range = length > 0 ? "bytes \(offset)-\(offset + length - 1)/\(size)" : "bytes */\(size)"
            let response = try client.send("PUT", url: session, headers: [HTTPHeader("Content-Range", range)],
                                           body: .file(path: localPath, offset: offset, length: length),
                                           accepting: [308], operation: "objects.insert (resumable)", object: name)
            if response.status != 308 { return }
            // GCS may keep fewer bytes than were sent: resume after the last one it acknowledged.
            let next = Self.acknowledgedEnd(response.header("Range"))
            if next <= offset {
                stalls += 1
                guard stalls < 3 else {
                    throw MLflowError.internalError("GCS resumable upload of '\(name)' made no progress at byte \(offset)")
                }
            } else {
                stalls = 0
            }
            if last && next >= size {
                throw MLflowError.internalError("GCS resumable upload of '\(name)' was not finalised after its last byte")
            }
            offset = min(next, size)
        }
    }

    /// Opens a session and returns its URI (the `Location` of the answer).
    private func startSession(name: String, size: Int64) throws -> String {
        let response = try client.send("POST", path: client.uploadPath,
                                       query: [QueryItem("uploadType", "resumable"), QueryItem("name", name)],
                                       headers: [HTTPHeader("X-Upload-Content-Type", "application/octet-stream"),
                                                 HTTPHeader("X-Upload-Content-Length", String(size))],
                                       operation: "objects.insert (resumable)", object: name)
        guard let session = response.header("Location"), !session.isEmpty else {
            throw MLflowError.internalError("GCS resumable upload of '\(name)' answered without a session URI")
        }
        return session
    }

    /// The offset after the acknowledged bytes of a `Range: bytes=0-N` header; 0 when absent.
    static func acknowledgedEnd(_ range: String?) -> Int64 {
        guard let range, let dash = range.lastIndex(of: "-"), let last = Int64(range[range.index(after: dash)...]) else { return 0 }
        return last + 1
    }
}
