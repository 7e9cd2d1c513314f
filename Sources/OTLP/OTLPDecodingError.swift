/// Why an OTLP request body could not be read: what was wrong and where, so the route can answer 400
/// with a message a client can act on.
public struct OTLPDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the body the problem was found.
    public enum Location: Sendable, Equatable {
        /// A byte offset into a protobuf body (the start of the field or value at fault).
        case byteOffset(Int)
        /// A path into an OTLP/JSON document, such as `resourceSpans[0].scopeSpans[1].spans[2].traceId`.
        case jsonPath(String)
    }

    public let message: String
    public let location: Location

    public init(_ message: String, at location: Location) {
        self.message = message
        self.location = location
    }

    public var description: String {
        switch location {
        case .byteOffset(let offset): return "\(message) at byte \(offset)"
        case .jsonPath(let path): return path.isEmpty ? message : "\(message) at \(path)"
        }
    }
}
