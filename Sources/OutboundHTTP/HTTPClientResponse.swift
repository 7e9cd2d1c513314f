/// A response: status, headers as received, and the body when it was kept in memory.
public struct HTTPClientResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// Bytes written to the destination file, when the body went to a file.
    public var bytesWrittenToFile: Int64

    public init(status: Int, headers: [HTTPHeader], body: [UInt8], bytesWrittenToFile: Int64 = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bytesWrittenToFile = bytesWrittenToFile
    }

    /// The last value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.last { $0.name.lowercased() == wanted }?.value
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
