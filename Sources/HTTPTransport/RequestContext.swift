import CMicroHTTPD

/// The state of one request between libmicrohttpd's callbacks. It is created in the URI-log
/// callback, touched only by the connection's polling thread, except while the connection is
/// suspended, when exactly one worker owns it until it calls `MHD_resume_connection`.
final class RequestContext: @unchecked Sendable {
    enum Phase {
        case start
        /// Suspended while a worker runs the handler's `admit`; its answer is in `admission`.
        case admitting
        case receiving
        case dispatched
        case answered
    }

    let rawTarget: String
    let isTLS: Bool
    var phase = Phase.start
    var method = ""
    var headers: [(name: String, value: String)] = []
    /// The client's numeric address (empty when libmicrohttpd does not know it).
    var remoteAddress = ""
    var body = RequestBodySink(limit: 0)
    var rejection: HTTPRejection?
    /// What `admit` decided, set by the worker before it resumes the connection.
    var admission: HTTPAdmission?
    /// The handler's own refusal, answered once the body has been read and dropped.
    var refusal: HTTPResponse?
    /// Bytes of a refused body read and dropped so far.
    var discardedBytes: Int64 = 0
    /// A client that sends more than this after a refusal is disconnected instead of answered.
    var discardLimit: Int64 = 0
    /// Whether the body is being read and dropped rather than stored.
    var isDiscarding: Bool { rejection != nil || refusal != nil }
    var response: HTTPResponse?

    init(rawTarget: String, isTLS: Bool) {
        self.rawTarget = rawTarget
        self.isTLS = isTLS
    }

    deinit {
        // A body file the handler did not take is removed with the request.
        body.discard()
    }

    var head: HTTPRequestHead {
        let request = HTTPRequest(method: method, target: rawTarget, headers: headers)
        return HTTPRequestHead(method: method, rawPath: request.rawPath, path: request.path, headers: request.headers,
                               rawQuery: request.rawQuery, remoteAddress: remoteAddress, isTLS: isTLS)
    }

    var request: HTTPRequest {
        var request = HTTPRequest(method: method, target: rawTarget, headers: headers, body: body.bytes,
                                  bodyFile: body.filePath)
        request.remoteAddress = remoteAddress
        request.isTLS = isTLS
        return request
    }

    /// Reads the request headers (names lower-cased by `HTTPRequest`) and the client's address.
    func readHeaders(of connection: OpaquePointer) {
        var address = [CChar](repeating: 0, count: 64)
        swiftrack_mhd_client_address(connection, &address, address.count)
        remoteAddress = String(decoding: address.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let box = Unmanaged.passUnretained(self).toOpaque()
        _ = MHD_get_connection_values_n(connection, .HEADER_KIND, { raw, _, key, keyLength, value, valueLength in
            guard let raw, let key else { return .YES }
            let context = Unmanaged<RequestContext>.fromOpaque(raw).takeUnretainedValue()
            let name = String(decoding: UnsafeRawBufferPointer(start: key, count: keyLength), as: UTF8.self)
            let text = value.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: valueLength), as: UTF8.self) } ?? ""
            context.headers.append((name: name.lowercased(), value: text))
            return .YES
        }, box)
    }

    var declaredContentLength: Int64? {
        headers.first(where: { $0.name == "content-length" }).flatMap { Int64($0.value) }
    }
}
