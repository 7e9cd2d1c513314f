import CMicroHTTPD

/// The state of one request between libmicrohttpd's callbacks. It is created in the URI-log
/// callback, touched only by the connection's polling thread, except while the connection is
/// suspended, when exactly one worker owns it until it calls `MHD_resume_connection`.
final class RequestContext: @unchecked Sendable {
    enum Phase {
        case start
        case receiving
        case dispatched
        case answered
    }

    let rawTarget: String
    var phase = Phase.start
    var method = ""
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
    var rejection: HTTPRejection?
    /// Bytes of a refused body read and dropped so far.
    var discardedBytes = 0
    var response: HTTPResponse?

    init(rawTarget: String) {
        self.rawTarget = rawTarget
    }

    var request: HTTPRequest {
        HTTPRequest(method: method, target: rawTarget, headers: headers, body: body)
    }

    /// Reads the request headers (names lower-cased by `HTTPRequest`).
    func readHeaders(of connection: OpaquePointer) {
        let box = Unmanaged.passUnretained(self).toOpaque()
        _ = MHD_get_connection_values_n(connection, .HEADER_KIND, { raw, _, key, keyLength, value, valueLength in
            guard let raw, let key else { return .YES }
            let context = Unmanaged<RequestContext>.fromOpaque(raw).takeUnretainedValue()
            let name = String(decoding: UnsafeRawBufferPointer(start: key, count: keyLength), as: UTF8.self)
            let text = value.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: valueLength), as: UTF8.self) } ?? ""
            context.headers.append((name: name, value: text))
            return .YES
        }, box)
    }

    var declaredContentLength: Int? {
        headers.first(where: { $0.name.lowercased() == "content-length" }).flatMap { Int($0.value) }
    }
}
