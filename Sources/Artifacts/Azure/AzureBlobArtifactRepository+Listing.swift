import TrackingCore

/// List Blobs, following markers to the end.
extension AzureBlobArtifactRepository {
    /// Every blob under `prefix`; with a delimiter, the names past it fold into prefixes.
    /// `pageSize` nil lets the service choose (at most 5,000).
    func listBlobs(prefix: String, delimiter: String?, pageSize: Int? = nil) throws -> ObjectListing {
        var listing = ObjectListing()
        var marker: String?
        repeat {
            var query = [QueryItem("restype", "container"), QueryItem("comp", "list"), QueryItem("prefix", prefix)]
            if let delimiter { query.append(QueryItem("delimiter", delimiter)) }
            if let pageSize { query.append(QueryItem("maxresults", String(pageSize))) }
            if let marker { query.append(QueryItem("marker", marker)) }
            let response = try client.send("GET", blob: nil, query: query, operation: "ListBlobs")
            guard let document = S3XMLElement.parse(response.body), document.name == "EnumerationResults" else {
                throw MLflowError.internalError("Azure ListBlobs '\(prefix)' answered with an unreadable document")
            }
            let blobs = document.child("Blobs")
            for blob in blobs?.children("Blob") ?? [] {
                guard let name = blob.value("Name") else { continue }
                listing.objects.append((name, Int64(blob.child("Properties")?.value("Content-Length") ?? "") ?? 0))
            }
            for blobPrefix in blobs?.children("BlobPrefix") ?? [] {
                if let name = blobPrefix.value("Name") { listing.prefixes.append(name) }
            }
            marker = document.value("NextMarker").flatMap { $0.isEmpty ? nil : $0 }
        } while marker != nil
        return listing
    }
}
