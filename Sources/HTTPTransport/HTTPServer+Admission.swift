import CMicroHTTPD

// Admission: the handler decides on a request from its head, on a worker thread, before a byte
// of its body is stored (issue 20: bodies were read before the caller was authenticated).
extension HTTPServer {
    /// How far past its limit a refused body is still read and dropped, so that a client that
    /// sends it whole reads the answer; beyond this the client is disconnected.
    static let discardSlack: Int64 = 16 << 20

    /// Suspends the connection and runs the handler's `admit` on a worker; libmicrohttpd calls
    /// the access handler again, still before the body, once the worker has resumed it.
    func admit(_ head: HTTPRequestHead, context: RequestContext, connection: OpaquePointer) -> MHD_Result {
        context.phase = .admitting
        MHD_suspend_connection(connection)
        let connectionBox = ConnectionBox(connection)
        let handler = self.handler
        workers.submit {
            context.admission = handler.admit(head)
            MHD_resume_connection(connectionBox.pointer)
        }
        return .YES
    }

    /// Acts on the worker's decision. A refusal is not queued here: answering before the body
    /// makes libmicrohttpd close the connection unread, and a client still sending its body then
    /// sees a reset instead of the answer. So the body is read and dropped, and the refusal is
    /// queued after it, unless its declared length alone is past what is worth reading.
    func admitted(_ admission: HTTPAdmission, context: RequestContext, connection: OpaquePointer) -> MHD_Result {
        switch admission {
        case .proceed(let destination):
            return startBody(of: context, into: destination, connection: connection)
        case .refuse(let response):
            context.refusal = response
            context.discardLimit = Int64(configuration.maxBodyBytes) + Self.discardSlack
            if let declared = context.declaredContentLength, declared > context.discardLimit {
                context.phase = .answered
                return queue(response, on: connection)
            }
            context.phase = .receiving
            return .YES
        }
    }
}
