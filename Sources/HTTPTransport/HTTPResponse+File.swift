public import TemporaryFiles

extension HTTPResponse {
    /// A file as the response to `request`, honouring a single `Range: bytes=a-b` (206, or 416 when
    /// unsatisfiable); other range forms are answered with the whole file, as the RFC allows.
    /// `temporary` owns the file when it is a temporary copy: a 416 drops it, and so removes the file.
    public static func file(_ path: String, size: Int64, contentType: String, request: HTTPRequest,
                            temporary: TemporaryFile? = nil, extraHeaders: [(name: String, value: String)] = []) -> HTTPResponse {
        var headers = [(name: "Content-Type", value: contentType), (name: "Accept-Ranges", value: "bytes")] + extraHeaders
        switch ByteRange.parse(request.header("range"), size: size) {
        case .whole:
            return HTTPResponse(status: 200, headers: headers,
                                file: FileBody(path: path, length: size, temporary: temporary))
        case .partial(let start, let end):
            headers.append((name: "Content-Range", value: "bytes \(start)-\(end)/\(size)"))
            return HTTPResponse(status: 206, headers: headers,
                                file: FileBody(path: path, offset: start, length: end - start + 1, temporary: temporary))
        case .unsatisfiable:
            headers.append((name: "Content-Range", value: "bytes */\(size)"))
            return HTTPResponse(status: 416, headers: headers)
        }
    }
}

/// One byte range of a `Range` header, resolved against the file size.
public enum ByteRange: Equatable, Sendable {
    case whole
    case partial(start: Int64, end: Int64)
    case unsatisfiable

    public static func parse(_ header: String?, size: Int64) -> ByteRange {
        guard let header, header.hasPrefix("bytes=") else { return .whole }
        let spec = header.dropFirst("bytes=".count)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash].trimmingCharacters(), last = spec[spec.index(after: dash)...].trimmingCharacters()
        if first.isEmpty {
            // `bytes=-N`: the last N bytes.
            guard let suffix = Int64(last), suffix > 0 else { return .whole }
            guard size > 0 else { return .unsatisfiable }
            return .partial(start: max(0, size - suffix), end: size - 1)
        }
        guard let start = Int64(first), start >= 0 else { return .whole }
        guard start < size else { return .unsatisfiable }
        if last.isEmpty { return .partial(start: start, end: size - 1) }
        guard let end = Int64(last), end >= start else { return .whole }
        return .partial(start: start, end: min(end, size - 1))
    }
}

private extension Substring {
    func trimmingCharacters() -> String { String(self.filter { $0 != " " }) }
}
