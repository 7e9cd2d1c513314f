import Foundation
import TrackingCore

/// objects.list, following page tokens to the end.
extension GCSArtifactRepository {
    /// Every object under `prefix`; with a delimiter, the names past it fold into prefixes.
    func listObjects(prefix: String, delimiter: String?) throws -> ObjectListing {
        var listing = ObjectListing()
        var pageToken: String?
        repeat {
            var query = [QueryItem("prefix", prefix)]
            if let delimiter { query.append(QueryItem("delimiter", delimiter)) }
            if let pageToken { query.append(QueryItem("pageToken", pageToken)) }
            let response = try client.send("GET", path: client.objectsPath, query: query, operation: "objects.list", object: prefix)
            let page: ListPage
            do {
                page = try JSONDecoder().decode(ListPage.self, from: Data(response.body))
            } catch {
                throw MLflowError.internalError("GCS objects.list '\(prefix)' answered with an unreadable document")
            }
            for item in page.items ?? [] { listing.objects.append((item.name, item.size?.value ?? 0)) }
            listing.prefixes += page.prefixes ?? []
            pageToken = page.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
        } while pageToken != nil
        return listing
    }

    private struct ListPage: Decodable {
        struct Item: Decodable {
            var name: String
            var size: FlexibleInt64?
        }
        var items: [Item]?
        var prefixes: [String]?
        var nextPageToken: String?
    }
}

/// The JSON API writes 64-bit integers as strings (`"size": "1234"`); some emulators as numbers.
struct FlexibleInt64: Decodable {
    var value: Int64

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
        } else if let parsed = Int64(try container.decode(String.self)) {
            value = parsed
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an integer")
        }
    }
}
