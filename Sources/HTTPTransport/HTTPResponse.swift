public import TemporaryFiles

/// An HTTP response with its whole body in memory.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// When set, the body is this file's bytes, sent with sendfile (and `body` is ignored).
    public var file: FileBody?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], file: FileBody? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.file = file
    }

    /// A byte range of a file on disk as a response body.
    public struct FileBody: Sendable, Equatable {
        public var path: String
        public var offset: Int64
        public var length: Int64
        /// The owner of a temporary file (a remote artifact's download, a sealed file's checked copy).
        /// The server removes its name once the file is open and keeps the owner until the request
        /// is over; a response dropped on any other way removes the file with its last copy.
        public var temporary: TemporaryFile?

        public init(path: String, offset: Int64 = 0, length: Int64, temporary: TemporaryFile? = nil) {
            self.path = path
            self.offset = offset
            self.length = length
            self.temporary = temporary
        }

        public static func == (left: FileBody, right: FileBody) -> Bool {
            left.path == right.path && left.offset == right.offset && left.length == right.length
                && left.temporary === right.temporary
        }
    }

    public static func text(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }

    public static func json(_ bytes: [UInt8], status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: bytes)
    }

    public static func html(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(text.utf8))
    }
}
