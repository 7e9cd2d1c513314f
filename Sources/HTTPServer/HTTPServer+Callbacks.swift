import CMicroHTTPD

// libmicrohttpd's C callbacks. `cls` is the HTTPServer (unretained: it outlives the daemon);
// `*con_cls` is the request's RequestContext (retained in uriLog, released in requestCompleted).

let uriLogCallback: swiftrack_uri_log_cb = { cls, uri, _ in
    guard let cls else { return nil }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    server.inFlight.add(1, ordering: .relaxed)
    let target = uri.map { String(cString: $0) } ?? "/"
    return Unmanaged.passRetained(RequestContext(rawTarget: target)).toOpaque()
}

let requestCompletedCallback: MHD_RequestCompletedCallback = { cls, _, conCls, _ in
    guard let cls, let conCls, let raw = conCls.pointee else { return }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    Unmanaged<RequestContext>.fromOpaque(raw).release()
    conCls.pointee = nil
    server.inFlight.subtract(1, ordering: .relaxed)
}

let accessHandlerCallback: MHD_AccessHandlerCallback = { cls, connection, _, method, _, uploadData, uploadSize, conCls in
    guard let cls, let connection, let conCls, let raw = conCls.pointee else { return .NO }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    let context = Unmanaged<RequestContext>.fromOpaque(raw).takeUnretainedValue()
    return server.advance(context, connection: connection, method: method, uploadData: uploadData, uploadSize: uploadSize)
}

extension HTTPServer {
    /// One step of a request's life; called by libmicrohttpd until a response is queued.
    func advance(_ context: RequestContext, connection: OpaquePointer, method: UnsafePointer<CChar>?,
                 uploadData: UnsafePointer<CChar>?, uploadSize: UnsafeMutablePointer<Int>?) -> MHD_Result {
        switch context.phase {
        case .start:
            // Answering on the first call makes libmicrohttpd close the connection: only look here.
            context.method = method.map { String(cString: $0) } ?? "GET"
            context.readHeaders(of: connection)
            if let declared = context.declaredContentLength, declared > configuration.maxBodyBytes {
                // Refuse before reading a byte; libmicrohttpd then closes the connection.
                context.phase = .answered
                return queue(handler.reject(.bodyTooLarge(limit: configuration.maxBodyBytes), request: context.request),
                             on: connection)
            }
            context.phase = .receiving
            return .YES

        case .receiving:
            if let uploadSize, uploadSize.pointee > 0 {
                let size = uploadSize.pointee
                uploadSize.pointee = 0
                if context.rejection == nil, context.body.count + size > configuration.maxBodyBytes {
                    // A chunked body past the limit: libmicrohttpd can only answer once the body has
                    // been read, so the rest is counted and dropped, and a client that keeps sending
                    // far beyond the limit is disconnected.
                    context.rejection = .bodyTooLarge(limit: configuration.maxBodyBytes)
                    context.body = []
                }
                if context.rejection != nil {
                    context.discardedBytes += size
                    return context.discardedBytes > configuration.maxBodyBytes + (16 << 20) ? .NO : .YES
                }
                if let uploadData {
                    context.body.append(contentsOf: UnsafeRawBufferPointer(start: uploadData, count: size))
                }
                return .YES
            }
            if let rejection = context.rejection {
                context.phase = .answered
                return queue(handler.reject(rejection, request: context.request), on: connection)
            }
            if shuttingDown.load(ordering: .relaxed) {
                context.phase = .answered
                return queue(handler.reject(.serverShuttingDown, request: context.request), on: connection)
            }
            context.phase = .dispatched
            MHD_suspend_connection(connection)
            let connectionBox = ConnectionBox(connection)
            let handler = self.handler
            workers.submit {
                let response = handler.handle(context.request)
                context.response = response
                MHD_resume_connection(connectionBox.pointer)
            }
            return .YES

        case .dispatched:
            guard let response = context.response else { return .YES }
            context.phase = .answered
            return queue(response, on: connection)

        case .answered:
            return .YES
        }
    }

    private func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
        let mhdResponse: OpaquePointer? = response.body.withUnsafeBytes { buffer in
            MHD_create_response_from_buffer(buffer.count, UnsafeMutableRawPointer(mutating: buffer.baseAddress),
                                            .RESPMEM_MUST_COPY)
        }
        guard let mhdResponse else { return .NO }
        for header in response.headers {
            _ = MHD_add_response_header(mhdResponse, header.name, header.value)
        }
        let result = MHD_queue_response(connection, UInt32(response.status), mhdResponse)
        MHD_destroy_response(mhdResponse)
        return result
    }
}

/// Carries the connection pointer to the worker that will resume it.
struct ConnectionBox: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
}
