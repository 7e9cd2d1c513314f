import TrackingCore

/// ListObjectsV2, following continuation tokens to the end.
extension S3ArtifactRepository {
    /// Every object under `prefix`; with a delimiter, the keys past it fold into common prefixes.
    func listObjects(prefix: String, delimiter: String?) throws -> ObjectListing {
        var listing = ObjectListing()
        var continuationToken: String?
        repeat {
            var query = [QueryItem("list-type", "2"), QueryItem("prefix", prefix)]
            if let delimiter { query.append(QueryItem("delimiter", delimiter)) }
            if let continuationToken { query.append(QueryItem("continuation-token", continuationToken)) }
            let response = try client.send("GET", key: "", query: query, operation: "ListObjectsV2")
            guard let document = S3XMLElement.parse(response.body), document.name == "ListBucketResult" else {
                throw MLflowError.internalError("S3 ListObjectsV2 '\(prefix)' answered with an unreadable document")
            }
            for content in document.children("Contents") {
                guard let key = content.value("Key") else { continue }
                listing.objects.append((key, Int64(content.value("Size") ?? "") ?? 0))
            }
            for common in document.children("CommonPrefixes") {
                if let value = common.value("Prefix") { listing.prefixes.append(value) }
            }
            let truncated = document.value("IsTruncated") == "true"
            continuationToken = truncated ? document.value("NextContinuationToken") : nil
            if truncated && continuationToken == nil {
                throw MLflowError.internalError("S3 ListObjectsV2 '\(prefix)' was truncated without a continuation token")
            }
        } while continuationToken != nil
        return listing
    }
}
