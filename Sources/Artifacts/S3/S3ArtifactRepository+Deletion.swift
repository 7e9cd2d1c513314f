import Crypto
import Foundation
import OutboundHTTP
import TrackingCore

/// DeleteObjects in batches of 1,000 keys, falling back to one DELETE per key on stores that
/// do not implement it.
extension S3ArtifactRepository {
    static let deleteBatchSize = 1000

    func deleteObjects(_ keys: [String]) throws {
        var start = 0
        while start < keys.count {
            let batch = Array(keys[start..<min(start + Self.deleteBatchSize, keys.count)])
            start += batch.count
            do {
                try deleteBatch(batch)
            } catch let error as MLflowError where error.code == .notImplemented {
                for key in batch { _ = try client.send("DELETE", key: key, operation: "DeleteObject") }
            }
        }
    }

    private func deleteBatch(_ keys: [String]) throws {
        if keys.count == 1, let key = keys.first {
            _ = try client.send("DELETE", key: key, operation: "DeleteObject")
            return
        }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>"
        for key in keys { xml += "<Object><Key>\(S3XMLElement.escape(key))</Key></Object>" }
        xml += "</Delete>"
        let body = Array(xml.utf8)
        // S3 refuses DeleteObjects without an integrity header.
        let md5 = Data(MD5.hash(body)).base64EncodedString()
        let response = try client.send("POST", key: "", query: [QueryItem("delete")],
                                       headers: [HTTPHeader("Content-MD5", md5), HTTPHeader("Content-Type", "application/xml")],
                                       body: .bytes(body), operation: "DeleteObjects")
        guard let document = S3XMLElement.parse(response.body) else { return }
        if let failed = document.children("Error").first {
            throw S3ErrorMapping.error(s3Code: failed.value("Code") ?? "Error", s3Message: failed.value("Message") ?? "",
                                       status: 200, operation: "DeleteObjects", key: failed.value("Key") ?? "")
        }
    }
}
