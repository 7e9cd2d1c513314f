/// OTLP's `AnyValue`: an attribute value, one of its oneof's members, or `empty` when none is set
/// (OTLP's empty value; MLflow's client sends it for a Python `None`).
public enum OTLPAnyValue: Sendable, Equatable {
    case empty
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case array([OTLPAnyValue])
    case keyValueList([OTLPKeyValue])
    case bytes([UInt8])

    /// Structural equality in which a NaN equals a NaN (as `JSONValue`'s does), so a decoded request
    /// equals itself decoded again; IEEE equality would make any request holding a NaN unequal.
    public static func == (lhs: OTLPAnyValue, rhs: OTLPAnyValue) -> Bool {
        switch (lhs, rhs) {
        case (.empty, .empty): return true
        case let (.string(a), .string(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a == b || (a.isNaN && b.isNaN)
        case let (.array(a), .array(b)): return a == b
        case let (.keyValueList(a), .keyValueList(b)): return a == b
        case let (.bytes(a), .bytes(b)): return a == b
        default: return false
        }
    }
}

/// OTLP's `KeyValue`: one attribute.
public struct OTLPKeyValue: Sendable, Equatable {
    public var key: String
    public var value: OTLPAnyValue

    public init(key: String, value: OTLPAnyValue) {
        self.key = key
        self.value = value
    }
}

/// OTLP's `Resource`: what produced the spans (its `entity_refs` are not read).
public struct OTLPResource: Sendable, Equatable {
    public var attributes: [OTLPKeyValue]
    public var droppedAttributesCount: UInt32

    public init(attributes: [OTLPKeyValue] = [], droppedAttributesCount: UInt32 = 0) {
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }
}

/// OTLP's `InstrumentationScope`: the library that made the spans.
public struct OTLPInstrumentationScope: Sendable, Equatable {
    public var name: String
    public var version: String
    public var attributes: [OTLPKeyValue]
    public var droppedAttributesCount: UInt32

    public init(name: String = "", version: String = "", attributes: [OTLPKeyValue] = [],
                droppedAttributesCount: UInt32 = 0) {
        self.name = name
        self.version = version
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }
}
