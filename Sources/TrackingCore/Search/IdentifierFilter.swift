/// Which resources (experiment ids, registered model names) a search may return: the caller's
/// read access when access control is on. A search answers only what the filter allows, in the
/// query itself, so pages stay full and page tokens stay plain offsets.
public enum IdentifierFilter: Sendable, Equatable {
    case all
    case only(Set<String>)
    case allExcept(Set<String>)

    public func allows(_ identifier: String) -> Bool {
        switch self {
        case .all: return true
        case .only(let allowed): return allowed.contains(identifier)
        case .allExcept(let refused): return !refused.contains(identifier)
        }
    }
}
