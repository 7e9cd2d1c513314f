import Foundation
import HTTPTransport

/// The embedded files ready to serve: bytes, content type and an entity tag each, and the
/// version of the whole set (named in the page's script and style URLs, so they may be cached
/// for good). Built once per process.
struct AssetTable: Sendable {
    struct Entry: Sendable {
        let bytes: [UInt8]
        let contentType: String
        /// A strong validator: the FNV-1a 64 hash of the bytes, quoted.
        let etag: String
    }

    /// The placeholder index.html uses for the version in its asset URLs.
    static let versionPlaceholder = "%ASSET_VERSION%"

    let entries: [String: Entry]
    /// `v-` and 12 hex digits of a hash over every name and its bytes.
    let version: String

    static let shared = AssetTable(EmbeddedAssets.files)

    init(_ files: [EmbeddedAsset]) {
        var whole = FNV1a()
        for file in files.sorted(by: { $0.name < $1.name }) {
            whole.add(Array(file.name.utf8))
            whole.add([0])
            whole.add(file.bytes)
        }
        version = "v-" + String(whole.hex.prefix(12))
        var entries: [String: Entry] = [:]
        for file in files {
            var bytes = file.bytes
            if file.name == "index.html" {
                bytes = Array(String(decoding: bytes, as: UTF8.self)
                    .replacingOccurrences(of: Self.versionPlaceholder, with: version).utf8)
            }
            var hash = FNV1a()
            hash.add(bytes)
            entries[file.name] = Entry(bytes: bytes, contentType: WebSitePath.contentType(file.name),
                                       etag: "\"" + hash.hex + "\"")
        }
        self.entries = entries
    }
}

/// The 64-bit FNV-1a hash: a cheap, stable fingerprint for entity tags (not a security measure).
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: [UInt8]) {
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
    }

    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
