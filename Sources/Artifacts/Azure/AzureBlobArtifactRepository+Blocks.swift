import Crypto
import OutboundHTTP
import TrackingCore

/// Block blobs: server-side uploads of large files block by block (each streamed from its offset
/// in the file), and presigned (SAS) Put Block URLs for clients, committed with Put Block List.
extension AzureBlobArtifactRepository {
    /// Block `number`'s id: every id of a blob must have the same length, hence the padding.
    static func blockId(_ number: Int) -> String {
        Base64.encode(Array(String(format: "block-%06d", number).utf8))
    }

    public func createMultipartUpload(path: String, partCount: Int) throws -> MultipartUpload {
        guard (1...AzureConfiguration.maximumBlockCount).contains(partCount) else {
            throw MLflowError.invalidParameter("num_parts must be between 1 and \(AzureConfiguration.maximumBlockCount), got \(partCount)")
        }
        let blob = location.blobName(for: path)
        try ArtifactPath.checkObjectKey(blob)
        let parts = (1...partCount).map { number in
            PartUploadTarget(partNumber: number, url: client.presignedURL(
                blob: blob, query: [QueryItem("comp", "block"), QueryItem("blockid", Self.blockId(number))], permissions: "w"))
        }
        // Azure has no upload session: the blocks wait uncommitted until the block list names them.
        return MultipartUpload(uploadId: nil, parts: parts)
    }

    public func completeMultipartUpload(path: String, uploadId: String, parts: [UploadedPart]) throws {
        guard !parts.isEmpty else { throw MLflowError.invalidParameter("A multipart upload needs at least one part") }
        let numbers = parts.map(\.partNumber).sorted()
        guard let first = numbers.first, let last = numbers.last, first >= 1, last <= AzureConfiguration.maximumBlockCount else {
            throw MLflowError.invalidParameter("Part numbers must be between 1 and \(AzureConfiguration.maximumBlockCount)")
        }
        try commitBlocks(numbers, blob: location.blobName(for: path))
    }

    /// Nothing to abort: Azure discards uncommitted blocks after a week, or at the next commit.
    public func abortMultipartUpload(path: String, uploadId: String) throws {}

    /// Uploads `size` bytes of `localPath` as blocks, then commits them in order.
    func uploadInBlocks(localPath: String, size: Int64, blob: String) throws {
        // Blocks grow past the configured size when the file would need more than 50,000 of them.
        let maximum = Int64(AzureConfiguration.maximumBlockCount)
        let blockSize = max(configuration.blockSize, (size + maximum - 1) / maximum, 1)
        var offset: Int64 = 0
        var number = 1
        var numbers: [Int] = []
        while offset < size {
            let length = min(blockSize, size - offset)
            _ = try client.send("PUT", blob: blob, query: [QueryItem("comp", "block"), QueryItem("blockid", Self.blockId(number))],
                                body: .file(path: localPath, offset: offset, length: length), operation: "PutBlock")
            numbers.append(number)
            offset += length
            number += 1
        }
        try commitBlocks(numbers, blob: blob)
    }

    private func commitBlocks(_ numbers: [Int], blob: String) throws {
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>"
        for number in numbers { xml += "<Latest>\(Self.blockId(number))</Latest>" }
        xml += "</BlockList>"
        _ = try client.send("PUT", blob: blob, query: [QueryItem("comp", "blocklist")],
                            headers: [HTTPHeader("Content-Type", "application/xml")],
                            body: .bytes(Array(xml.utf8)), operation: "PutBlockList")
    }
}
