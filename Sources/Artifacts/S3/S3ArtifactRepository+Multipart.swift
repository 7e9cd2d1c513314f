import OutboundHTTP
import TrackingCore

/// Multipart uploads: presigned part URLs for clients, and server-side uploads of large files
/// with each part streamed from its offset in the file.
extension S3ArtifactRepository {
    /// S3's limit on the number of parts of one upload.
    static let maximumPartCount = 10_000

    public func createMultipartUpload(path: String, partCount: Int) throws -> MultipartUpload {
        guard (1...Self.maximumPartCount).contains(partCount) else {
            throw MLflowError.invalidParameter("num_parts must be between 1 and \(Self.maximumPartCount), got \(partCount)")
        }
        let key = location.objectName(for: path)
        try ArtifactPath.checkObjectKey(key)
        let uploadId = try startUpload(key: key)
        let parts = (1...partCount).map { number in
            PartUploadTarget(partNumber: number, url: client.presignedURL("PUT", key: key, query: partQuery(number, uploadId)))
        }
        return MultipartUpload(uploadId: uploadId, parts: parts)
    }

    public func completeMultipartUpload(path: String, uploadId: String, parts: [UploadedPart]) throws {
        try finishUpload(key: location.objectName(for: path), uploadId: uploadId,
                         parts: parts.map { ($0.partNumber, $0.etag) })
    }

    public func abortMultipartUpload(path: String, uploadId: String) throws {
        _ = try client.send("DELETE", key: location.objectName(for: path), query: [QueryItem("uploadId", uploadId)],
                            operation: "AbortMultipartUpload")
    }

    /// Uploads `size` bytes of `localPath` part by part; aborts the upload when a part fails.
    func uploadInParts(localPath: String, size: Int64, key: String) throws {
        // Parts grow past the configured size when the file would need more than 10,000 of them.
        let minimumPart = (size + Int64(Self.maximumPartCount) - 1) / Int64(Self.maximumPartCount)
        let partSize = max(configuration.partSize, minimumPart, 5 << 20)
        let uploadId = try startUpload(key: key)
        do {
            var parts: [(Int, String)] = []
            var offset: Int64 = 0
            var number = 1
            while offset < size {
                let length = min(partSize, size - offset)
                let response = try client.send("PUT", key: key, query: partQuery(number, uploadId),
                                               body: .file(path: localPath, offset: offset, length: length),
                                               operation: "UploadPart")
                guard let etag = response.header("ETag") else {
                    throw MLflowError.internalError("S3 UploadPart '\(key)' answered without an ETag")
                }
                parts.append((number, etag))
                offset += length
                number += 1
            }
            try finishUpload(key: key, uploadId: uploadId, parts: parts)
        } catch {
            _ = try? client.send("DELETE", key: key, query: [QueryItem("uploadId", uploadId)], operation: "AbortMultipartUpload")
            throw error
        }
    }

    private func partQuery(_ number: Int, _ uploadId: String) -> [QueryItem] {
        [QueryItem("partNumber", String(number)), QueryItem("uploadId", uploadId)]
    }

    private func startUpload(key: String) throws -> String {
        let response = try client.send("POST", key: key, query: [QueryItem("uploads")],
                                       headers: configuration.serverSideEncryption?.headers ?? [],
                                       operation: "CreateMultipartUpload")
        guard let uploadId = S3XMLElement.parse(response.body)?.value("UploadId"), !uploadId.isEmpty else {
            throw MLflowError.internalError("S3 CreateMultipartUpload '\(key)' answered without an UploadId")
        }
        return uploadId
    }

    private func finishUpload(key: String, uploadId: String, parts: [(number: Int, etag: String)]) throws {
        guard !parts.isEmpty else { throw MLflowError.invalidParameter("A multipart upload needs at least one part") }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload>"
        for part in parts.sorted(by: { $0.number < $1.number }) {
            xml += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\(S3XMLElement.escape(part.etag))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let response = try client.send("POST", key: key, query: [QueryItem("uploadId", uploadId)],
                                       headers: [HTTPHeader("Content-Type", "application/xml")],
                                       body: .bytes(Array(xml.utf8)), operation: "CompleteMultipartUpload")
        // S3 may answer 200 and still report the failure in the body.
        if let document = S3XMLElement.parse(response.body), document.name == "Error" {
            throw S3ErrorMapping.error(s3Code: document.value("Code") ?? "Error", s3Message: document.value("Message") ?? "",
                                       status: response.status, operation: "CompleteMultipartUpload", key: key)
        }
    }
}
