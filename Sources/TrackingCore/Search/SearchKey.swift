/// A key in a filter or order_by: an entity and a name (attribute names are canonical: `created` is `start_time`).
public struct SearchKey: Sendable, Equatable, Hashable {
    public var entity: SearchEntity
    public var name: String

    public init(_ entity: SearchEntity, _ name: String) {
        self.entity = entity
        self.name = name
    }
}
