import Artifacts
import HTTPTransport

/// Sends an artifact file as MLflow does: as an attachment, with its guessed type, `nosniff`,
/// and byte ranges honoured.
enum ArtifactDownload {
    static func response(for request: HTTPRequest, repository: any ArtifactRepository, path: String,
                         scratchDirectory: String) throws -> HTTPResponse {
        let file = try repository.fetch(path, temporaryDirectory: scratchDirectory)
        return response(for: request, file: file, name: path.split(separator: "/").last.map(String.init) ?? path)
    }

    /// Sends a local file under `name`; a temporary copy's owner goes with the response, so it is
    /// removed however the response ends (sent, answered 416, or dropped).
    static func response(for request: HTTPRequest, file: LocalArtifactFile, name: String) -> HTTPResponse {
        .file(file.path, size: file.size, contentType: MimeType.guess(fileName: name), request: request,
                     temporary: file.temporary,
                     extraHeaders: [(name: "Content-Disposition", value: contentDisposition(name)),
                                    (name: "X-Content-Type-Options", value: "nosniff")])
    }

    /// `attachment; filename=...`, with an RFC 5987 `filename*` for non-ASCII names.
    static func contentDisposition(_ name: String) -> String {
        let quoted = "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        let isToken = !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "!#$&+-.^_`|~".contains($0)) }
        guard name.unicodeScalars.allSatisfy(\.isASCII) else {
            let fallback = String(name.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 }.map(Character.init))
            let encoded = name.utf8.map { byte -> String in
                let char = Character(Unicode.Scalar(byte))
                return byte < 0x80 && (char.isLetter || char.isNumber || "!#$&+-.^_`|~".contains(char))
                    ? String(char) : "%" + String(byte >> 4, radix: 16, uppercase: true)
                        + String(byte & 0xF, radix: 16, uppercase: true)
            }.joined()
            return "attachment; filename=\"\(fallback.isEmpty ? "download" : fallback)\"; filename*=UTF-8''\(encoded)"
        }
        return "attachment; filename=" + (isToken ? name : quoted)
    }
}

/// MLflow's `_guess_mime_type`: known text formats are text/plain, then by extension.
enum MimeType {
    static let textExtensions: Set<String> = [
        "txt", "log", "err", "cfg", "conf", "cnf", "cf", "ini", "properties", "prop", "hocon", "toml", "yaml", "yml",
        "xml", "json", "js", "py", "py3", "csv", "tsv", "md", "rst", "ipynb", "MLmodel", "MLproject",
    ]
    static let byExtension: [String: String] = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml",
        "bmp": "image/bmp", "webp": "image/webp", "tif": "image/tiff", "tiff": "image/tiff", "ico": "image/vnd.microsoft.icon",
        "html": "text/html", "htm": "text/html", "css": "text/css", "pdf": "application/pdf", "zip": "application/zip",
        "gz": "application/gzip", "tar": "application/x-tar", "pkl": "application/octet-stream",
        "parquet": "application/octet-stream", "mp4": "video/mp4", "wav": "audio/x-wav", "mp3": "audio/mpeg",
    ]

    static func guess(fileName: String) -> String {
        let parts = fileName.split(separator: ".", omittingEmptySubsequences: false)
        let ext = parts.count > 1 ? String(parts[parts.count - 1]) : fileName
        if textExtensions.contains(ext) { return "text/plain" }
        return byExtension[ext.lowercased()] ?? "application/octet-stream"
    }
}
