/// `posixpath.normpath` as Python defines it: MLflow rejects names that normalise to another.
enum PosixPath {
    static func normalize(_ path: String) -> String {
        if path.isEmpty { return "." }
        var initialSlashes = path.hasPrefix("/") ? 1 : 0
        if path.hasPrefix("//") && !path.hasPrefix("///") { initialSlashes = 2 }
        var components: [Substring] = []
        for component in PathSegments.split(path, omittingEmpty: false) {
            if component.isEmpty || PathSegments.same(component, ".") { continue }
            let climbs = PathSegments.same(component, "..")
            if !climbs || (initialSlashes == 0 && components.isEmpty) || components.last.map({ PathSegments.same($0, "..") }) == true {
                components.append(component)
            } else if !components.isEmpty {
                components.removeLast()
            }
        }
        let joined = String(repeating: "/", count: initialSlashes) + components.joined(separator: "/")
        return joined.isEmpty ? "." : joined
    }
}
