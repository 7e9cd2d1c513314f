import Foundation
public import HTTPTransport

/// The built-in browser UI (`--ui builtin`, the default): plain HTML, CSS and JavaScript modules
/// from `web/`, embedded in the binary at build time (Plugins/EmbedWebPlugin). The page is public: it asks for
/// credentials itself and sends them with each API call.
///
/// Caching: `index.html` and unversioned names are revalidated every time (`no-cache` with an
/// ETag, 304 when unchanged); the page names its scripts and styles under
/// `/static-files/<version>/...`, which is cached for good while the version is current.
/// Names are looked up in the table of embedded files only, so no path reaches the disk.
public struct EmbeddedWebSite: WebSite {
    public var pageIsPublic: Bool { true }
    let table: AssetTable

    public init() {
        self.table = .shared
    }

    init(table: AssetTable) {
        self.table = table
    }

    /// The asset version the page's URLs carry (`v-` and 12 hex digits).
    public var version: String { table.version }

    public func file(_ path: String, request: HTTPRequest) -> HTTPResponse? {
        var name = path
        var immutable = false
        if path.hasPrefix("v-"), let slash = path.firstIndex(of: "/") {
            // An older page's version still gets today's file, but only the current one is cached for good.
            immutable = path[..<slash] == table.version
            name = String(path[path.index(after: slash)...])
        }
        guard name != "index.html" || !immutable, let entry = table.entries[name] else { return nil }
        let cache = immutable ? "public, max-age=31536000, immutable" : "no-cache"
        let headers = [(name: "ETag", value: entry.etag), (name: "Cache-Control", value: cache)]
        if Self.matches(request.header("if-none-match"), entry.etag) {
            return HTTPResponse(status: 304, headers: headers)
        }
        var extra = [(name: "X-Content-Type-Options", value: "nosniff")]
        if name == "index.html" { extra += Self.pageHeaders }
        return HTTPResponse(status: 200, headers: [(name: "Content-Type", value: entry.contentType)] + headers + extra,
                            body: entry.bytes)
    }

    /// The page runs only this server's scripts and talks only to it (images also from the
    /// blob: URLs the artifact previews make), and no other site may frame it.
    static let pageHeaders = [
        (name: "Content-Security-Policy", value: "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' blob: data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors 'none'"),
        (name: "X-Frame-Options", value: "DENY"),
        (name: "Referrer-Policy", value: "same-origin"),
    ]

    /// `If-None-Match`: `*` or a list of tags (weak ones compared weakly, as RFC 9110 says for this header).
    static func matches(_ header: String?, _ etag: String) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = String(tag.dropFirst(2)) }
            return tag == etag
        }
    }
}
