import JSON
import TrackingCore

extension RequestFields {
    /// A `ViewType` enum field: its name or its number (1, 2, 3).
    func viewType(_ name: String) throws(MLflowError) -> ViewType? {
        guard let value = raw(name), value != .null else { return nil }
        switch value {
        case .string(let text):
            if let viewType = ViewType(rawValue: text) { return viewType }
            if let number = Int(text), let viewType = ViewType(number: number) { return viewType }
        case .integer(let number):
            if let viewType = ViewType(number: Int(truncatingIfNeeded: number)) { return viewType }
        default:
            break
        }
        throw Self.typeError(name, value)
    }

    /// `tags: [{key, value}]` as `Tag`s; `key` is required in each.
    func tags(_ name: String = "tags") throws(MLflowError) -> [Tag] {
        var tags: [Tag] = []
        for (index, tag) in try messages(name).enumerated() {
            guard let key = try tag.string("key"), !key.isEmpty else { throw Self.missing("\(name)[\(index)].key") }
            tags.append(Tag(key: key, value: try tag.string("value") ?? ""))
        }
        return tags
    }
}

extension ViewType {
    init?(number: Int) {
        switch number {
        case 1: self = .activeOnly
        case 2: self = .deletedOnly
        case 3: self = .all
        default: return nil
        }
    }
}
