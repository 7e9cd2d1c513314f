/// Key-value pairs read as a map is read from them (a protobuf map, a Python dict): each key once,
/// at the place it first appeared, with the last value it was given.
public enum KeyedPairs {
    public static func lastValues<Value>(_ pairs: [(String, Value)]) -> [(String, Value)] {
        var order: [String] = []
        var values: [String: Value] = [:]
        for (key, value) in pairs {
            if values.updateValue(value, forKey: key) == nil { order.append(key) }
        }
        return order.compactMap { key in values[key].map { (key, $0) } }
    }

    /// Tags as pairs, each key once.
    public static func lastValues(_ tags: [Tag]) -> [(String, String)] {
        lastValues(tags.map { ($0.key, $0.value) })
    }
}
