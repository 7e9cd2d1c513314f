/// An identifier split as MLflow splits it: the entity word before the first dot, and the key after it.
struct SearchIdentifier: Sendable, Equatable {
    /// nil for a bare name (`status`, `"run name"`): MLflow reads it as an attribute.
    var entity: String?
    var key: String

    init?(_ token: SearchToken) {
        guard case .identifier(let segments) = token.kind, let first = segments.first else { return nil }
        if segments.count == 1 {
            entity = nil
            key = first.text
        } else {
            entity = first.text
            key = segments.dropFirst().map(\.text).joined(separator: ".")
        }
    }
}
