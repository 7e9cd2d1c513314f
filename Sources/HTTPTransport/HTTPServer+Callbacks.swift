import CMicroHTTPD
#if canImport(Glibc)
import Glibc
#endif

// libmicrohttpd's C callbacks. `cls` is the HTTPServer (unretained: it outlives the daemon);
// `*con_cls` is the request's RequestContext (retained in uriLog, released in requestCompleted).

let uriLogCallback: swiftrack_uri_log_cb = { cls, uri, _ in
    guard let cls else { return nil }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    server.inFlight.add(1, ordering: .relaxed)
    let target = uri.map { String(cString: $0) } ?? "/"
    // Copied above; libmicrohttpd's own per-argument records would only fill the connection's pool.
    swiftrack_mhd_drop_query_arguments(uri)
    return Unmanaged.passRetained(RequestContext(rawTarget: target, isTLS: server.configuration.tls != nil)).toOpaque()
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
            // Answering on the first call makes libmicrohttpd close the connection: only look here,
            // unless the request is refused anyway.
            context.method = method.map { String(cString: $0) } ?? "GET"
            context.readHeaders(of: connection)
            let head = context.head
            if handler.needsAdmission(head) {
                return admit(head, context: context, connection: connection)
            }
            return startBody(of: context, into: handler.bodyDestination(for: head), connection: connection)

        case .admitting:
            // libmicrohttpd calls again, still before the body, once the worker has resumed us.
            guard let admission = context.admission else { return .YES }
            context.admission = nil
            return admitted(admission, context: context, connection: connection)

        case .receiving:
            if let uploadSize, uploadSize.pointee > 0 {
                let size = uploadSize.pointee
                uploadSize.pointee = 0
                return receive(UnsafeRawBufferPointer(start: uploadData, count: uploadData == nil ? 0 : size), into: context)
            }
            context.body.finish()
            if let refusal = context.refusal {
                context.phase = .answered
                return queue(refusal, on: connection)
            }
            if let rejection = context.rejection {
                context.phase = .answered
                context.body.discard()
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

    /// Opens the body's destination and waits for the body, or answers at once when its declared
    /// length is over the limit or its file cannot be created.
    func startBody(of context: RequestContext, into destination: HTTPBodyDestination,
                   connection: OpaquePointer) -> MHD_Result {
        if let rejection = prepareBody(of: context, into: destination) {
            context.phase = .answered
            return queue(handler.reject(rejection, request: context.request), on: connection)
        }
        context.phase = .receiving
        return .YES
    }

    /// Refuses a declared length over the destination's limit.
    private func prepareBody(of context: RequestContext, into destination: HTTPBodyDestination) -> HTTPRejection? {
        let serverLimit = Int64(configuration.maxBodyBytes)
        switch destination {
        case .memory:
            context.body = RequestBodySink(limit: serverLimit)
        case .boundedMemory(let maxBytes):
            context.body = RequestBodySink(limit: max(0, min(maxBytes, serverLimit)))
        case .file(let directory, let maxBytes):
            do {
                context.body = try RequestBodySink(directory: directory, limit: maxBytes)
            } catch {
                return .bodyNotStored(reason: error.message)
            }
        }
        if let declared = context.declaredContentLength, declared > context.body.limit {
            context.body.discard()
            return .bodyTooLarge(limit: context.body.limit)
        }
        return nil
    }

    /// Takes one chunk. libmicrohttpd can only answer once the body has been read, so after a
    /// refusal the rest is counted and dropped, and a client that keeps sending far beyond the
    /// limit is disconnected.
    private func receive(_ chunk: UnsafeRawBufferPointer, into context: RequestContext) -> MHD_Result {
        if context.isDiscarding {
            context.discardedBytes += Int64(chunk.count)
            return context.discardedBytes > context.discardLimit ? .NO : .YES
        }
        switch context.body.append(chunk) {
        case .accepted:
            return .YES
        case .overLimit:
            context.rejection = .bodyTooLarge(limit: context.body.limit)
        case .failed(let reason):
            context.rejection = .bodyNotStored(reason: reason)
        }
        context.discardedBytes = context.body.received
        context.discardLimit = context.body.limit + Self.discardSlack
        context.body.discard()
        return .YES
    }

    func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
        guard let mhdResponse = makeResponse(response) else { return .NO }
        for header in response.headers {
            _ = MHD_add_response_header(mhdResponse, header.name, header.value)
        }
        let result = MHD_queue_response(connection, UInt32(response.status), mhdResponse)
        MHD_destroy_response(mhdResponse)
        return result
    }

    /// A buffer copied into libmicrohttpd, or a file range it sends with sendfile (it closes the fd).
    /// A temporary file loses its name once open; its owner stays with the response in the request's
    /// context, released when the request is over (`requestCompletedCallback`), so what it holds
    /// (a reservation of the disk the bytes take) lasts as long as the descriptor does.
    private func makeResponse(_ response: HTTPResponse) -> OpaquePointer? {
        if let file = response.file {
            let fd = open(file.path, O_RDONLY | O_CLOEXEC)
            file.temporary?.removeName()
            guard fd >= 0 else { return nil }
            guard let made = MHD_create_response_from_fd_at_offset64(UInt64(max(0, file.length)), fd,
                                                                     UInt64(max(0, file.offset))) else {
                close(fd)
                return nil
            }
            return made
        }
        return response.body.withUnsafeBytes { buffer in
            MHD_create_response_from_buffer(buffer.count, UnsafeMutableRawPointer(mutating: buffer.baseAddress),
                                            .RESPMEM_MUST_COPY)
        }
    }
}

/// Carries the connection pointer to the worker that will resume it.
struct ConnectionBox: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
}
