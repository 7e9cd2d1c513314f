import CCurl

/// A blocking HTTP client on libcurl's easy interface: one handle per request, bodies streamed
/// from and to local files. Call it from worker threads only.
public struct HTTPClient: Sendable {
    /// How much of a non-2xx body (an error document) is kept.
    public static let errorBodyLimit = 1 << 20

    public init() {
        _ = curlGlobalInitialized
    }

    /// Sends `request` and waits for the whole response. Throws when the exchange fails
    /// (connection, timeout, local file); an HTTP error status is a normal response.
    public func perform(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPClientResponse {
        guard curlGlobalInitialized else { throw .library("libcurl could not be initialised") }
        guard let handle = curl_easy_init() else { throw .library("libcurl could not create a handle") }
        defer { curl_easy_cleanup(handle) }
        let context = try TransferContext(request: request)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            // libcurl's syntax for a header with an empty value is "Name;".
            headerList = curl_slist_append(headerList, header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        // "Name:" with nothing after it removes a header: no 100-continue round trip before uploads.
        headerList = curl_slist_append(headerList, "Expect:")
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        errorBuffer.initialize(to: 0)

        let contextPointer = Unmanaged.passUnretained(context).toOpaque()
        var options = CurlOptions(handle: handle)
        options.set(CURLOPT_URL, request.url)
        options.set(CURLOPT_NOSIGNAL, 1)
        options.set(CURLOPT_PROTOCOLS_STR, "http,https")
        options.set(CURLOPT_CONNECTTIMEOUT, request.connectTimeout)
        options.set(CURLOPT_TIMEOUT, request.timeout)
        options.set(CURLOPT_LOW_SPEED_LIMIT, 1)
        options.set(CURLOPT_LOW_SPEED_TIME, request.stallTimeout)
        if let caBundle = request.caBundle { options.set(CURLOPT_CAINFO, caBundle) }
        var resolveList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(resolveList) }
        if !request.resolve.isEmpty {
            for entry in request.resolve { resolveList = curl_slist_append(resolveList, entry) }
            options.set(CURLOPT_RESOLVE, list: resolveList)
            options.set(CURLOPT_NOPROXY, "*")
        }
        options.set(CURLOPT_HTTPHEADER, list: headerList)
        options.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        options.set(CURLOPT_WRITEFUNCTION, callback: writeCallback)
        options.set(CURLOPT_WRITEDATA, pointer: contextPointer)
        options.set(CURLOPT_HEADERFUNCTION, callback: headerCallback)
        options.set(CURLOPT_HEADERDATA, pointer: contextPointer)
        let method = request.method.uppercased()
        let sendsBody = request.body != .empty || method == "PUT" || method == "POST"
        if method == "HEAD" {
            options.set(CURLOPT_NOBODY, 1)
        } else if sendsBody {
            options.set(CURLOPT_UPLOAD, 1)
            options.set(CURLOPT_INFILESIZE_LARGE, offset: context.uploadSize)
            options.set(CURLOPT_READFUNCTION, callback: readCallback)
            options.set(CURLOPT_READDATA, pointer: contextPointer)
            if method != "PUT" { options.set(CURLOPT_CUSTOMREQUEST, method) }
        } else if method != "GET" {
            options.set(CURLOPT_CUSTOMREQUEST, method)
        }
        if let failure = options.failure { throw failure }

        let code = withExtendedLifetime(context) { curl_easy_perform(handle) }
        let wroteFile = context.finishDestination()
        if let failure = context.failure { throw failure }
        guard code == CURLE_OK, wroteFile else {
            let detail = errorBuffer.pointee != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
            throw .transfer("\(method) \(Self.redacted(request.url)) failed: \(detail)")
        }
        var status = 0
        if swiftrack_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK { status = context.status }
        return HTTPClientResponse(status: status, headers: context.headers, body: context.body,
                            bytesWrittenToFile: context.bytesWritten)
    }

    /// The URL without its query, which may hold a presigned signature.
    public static func redacted(_ url: String) -> String {
        String(url.prefix { $0 != "?" })
    }
}

/// libcurl's process-wide initialisation, done once (Swift runs a global's initialiser exactly once).
private let curlGlobalInitialized: Bool = swiftrack_curl_global_init_all() == CURLE_OK

private func context(_ pointer: UnsafeMutableRawPointer?) -> TransferContext? {
    guard let pointer else { return nil }
    return Unmanaged<TransferContext>.fromOpaque(pointer).takeUnretainedValue()
}

private let writeCallback: swiftrack_curl_data_callback = { buffer, size, count, pointer in
    let total = size * count
    guard let transfer = context(pointer), let buffer else { return 0 }
    return transfer.receive(UnsafeRawBufferPointer(start: buffer, count: total)) ? total : 0
}

private let headerCallback: swiftrack_curl_data_callback = { buffer, size, count, pointer in
    let total = size * count
    guard let transfer = context(pointer), let buffer else { return 0 }
    transfer.receiveHeader(UnsafeRawBufferPointer(start: buffer, count: total))
    return total
}

private let readCallback: swiftrack_curl_data_callback = { buffer, size, count, pointer in
    guard let transfer = context(pointer), let buffer else { return swiftrack_curl_readfunc_abort() }
    return transfer.provide(into: UnsafeMutableRawPointer(buffer), capacity: size * count) ?? swiftrack_curl_readfunc_abort()
}
