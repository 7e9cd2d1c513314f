/// One level of an object-store listing: the objects, and the prefixes a `/` delimiter folded
/// the deeper names into (S3's common prefixes, GCS's prefixes, Azure's blob prefixes).
struct ObjectListing {
    var objects: [(name: String, size: Int64)] = []
    var prefixes: [String] = []

    /// The listing as the artifact entries of `path`, whose objects all start with `listPrefix`.
    func entries(of path: String, listPrefix: String) -> [ArtifactFileInfo] {
        var entries: [ArtifactFileInfo] = []
        for object in objects where object.name != listPrefix {
            let name = Self.dropping(listPrefix, from: object.name)
            entries.append(ArtifactFileInfo(path: ArtifactPath.join(path, name), isDirectory: false, fileSize: object.size))
        }
        for prefix in prefixes {
            let name = Self.dropping(listPrefix, from: prefix).split(separator: "/").joined(separator: "/")
            guard !name.isEmpty else { continue }
            entries.append(ArtifactFileInfo(path: ArtifactPath.join(path, name), isDirectory: true, fileSize: nil))
        }
        return entries.sorted { $0.path < $1.path }
    }

    /// `name` without `prefix`, counted in UTF-8 bytes as object stores compare names (not in
    /// Characters, which a combining mark after the `/` would merge).
    static func dropping(_ prefix: String, from name: String) -> String {
        String(decoding: name.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
    }

    /// The prefix whose objects are the children of the directory `directoryName`.
    static func listPrefix(of directoryName: String) -> String {
        directoryName.isEmpty ? "" : directoryName + "/"
    }
}
