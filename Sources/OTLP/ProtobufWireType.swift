/// The wire types of the protobuf encoding that a field may carry (groups are recognised only to be refused).
enum ProtobufWireType: UInt8, Sendable, CustomStringConvertible {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5

    var description: String {
        switch self {
        case .varint: return "varint"
        case .fixed64: return "fixed64"
        case .lengthDelimited: return "length-delimited"
        case .startGroup: return "start-group"
        case .endGroup: return "end-group"
        case .fixed32: return "fixed32"
        }
    }
}

/// A field's key as read from the wire: its number, its wire type and where the key began.
struct ProtobufTag: Sendable, Equatable {
    let fieldNumber: UInt32
    let wireType: ProtobufWireType
    let offset: Int
}
