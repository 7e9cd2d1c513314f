import Foundation
import HTTPTransport
import Testing
@testable import WebUI

@Suite("WebUI: the embedded site's files")
struct EmbeddedWebSiteTests {
    let site = EmbeddedWebSite()

    private func get(_ name: String, method: String = "GET", headers: [(name: String, value: String)] = []) -> HTTPResponse? {
        site.file(name, request: HTTPRequest(method: method, target: "/static-files/" + name, headers: headers))
    }

    private func header(_ response: HTTPResponse?, _ name: String) -> String? {
        response?.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    @Test func thePageNamesItsAssetsUnderTheCurrentVersion() throws {
        let page = try #require(get("index.html"))
        let text = String(decoding: page.body, as: UTF8.self)
        #expect(page.status == 200)
        #expect(header(page, "Content-Type") == "text/html; charset=utf-8")
        #expect(header(page, "Cache-Control") == "no-cache")
        #expect(text.contains("static-files/\(site.version)/js/main.js"))
        #expect(!text.contains(AssetTable.versionPlaceholder))
        #expect(site.version.hasPrefix("v-") && site.version.count == 14)
        let policy = try #require(header(page, "Content-Security-Policy"))
        #expect(policy.contains("script-src 'self';") && policy.contains("frame-ancestors 'none'"))
        #expect(header(get("js/main.js"), "Content-Security-Policy") == nil)
    }

    @Test func contentTypesOfWhatTheUIIsMadeOf() {
        #expect(header(get("js/main.js"), "Content-Type") == "text/javascript; charset=utf-8")
        #expect(header(get("app.css"), "Content-Type") == "text/css; charset=utf-8")
        #expect(header(get("favicon.svg"), "Content-Type") == "image/svg+xml")
        // A binary file goes through base64 and comes out as the PNG it was.
        let icon = get("apple-touch-icon.png")
        #expect(header(icon, "Content-Type") == "image/png")
        #expect(icon?.body.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(header(get("js/main.js"), "X-Content-Type-Options") == "nosniff")
    }

    @Test func versionedNamesAreCachedForGoodOthersRevalidated() throws {
        let versioned = try #require(get("\(site.version)/js/api.js"))
        #expect(header(versioned, "Cache-Control") == "public, max-age=31536000, immutable")
        let plain = try #require(get("js/api.js"))
        #expect(header(plain, "Cache-Control") == "no-cache")
        #expect(plain.body == versioned.body && !plain.body.isEmpty)
        // An older page's version gets today's file, not cached for good.
        let old = try #require(get("v-000000000000/js/api.js"))
        #expect(header(old, "Cache-Control") == "no-cache" && old.body == plain.body)
        #expect(get("\(site.version)/index.html") == nil)
    }

    @Test func anUnchangedFileIsA304() throws {
        let first = try #require(get("js/charts.js"))
        let etag = try #require(header(first, "ETag"))
        #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count == 18)
        for value in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
            let again = try #require(get("js/charts.js", headers: [(name: "If-None-Match", value: value)]))
            #expect(again.status == 304 && again.body.isEmpty, "\(value)")
            #expect(header(again, "ETag") == etag)
        }
        let changed = try #require(get("js/charts.js", headers: [(name: "If-None-Match", value: "\"0000\"")]))
        #expect(changed.status == 200 && changed.body == first.body)
        #expect(header(get("js/api.js"), "ETag") != etag)
    }

    @Test func headIsAnsweredLikeGet() throws {
        let head = try #require(get("app.css", method: "HEAD"))
        let whole = try #require(get("app.css"))
        #expect(head.status == 200 && header(head, "ETag") == header(whole, "ETag"))
        #expect(header(head, "Content-Type") == header(whole, "Content-Type"))
    }

    @Test func unknownNamesAndTraversalAreNotFound() {
        for name in ["missing.js", "js", "js/", "", "/etc/passwd", "../Package.swift", "js/../../Package.swift",
                     "%2e%2e/Package.swift", "..%2fPackage.swift", "js/%2e%2e/app.css", "./app.css", "js//main.js",
                     "\(site.version)/../app.css", "\(site.version)//etc/passwd", "v-x/../../etc/passwd",
                     "js\\main.js", "APP.CSS", "app.css/", "app.css\0"] {
            #expect(get(name) == nil, "\(name) was served")
        }
    }
}
