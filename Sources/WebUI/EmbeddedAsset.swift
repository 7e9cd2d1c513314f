import Foundation

/// One file of the built-in UI as EmbedWeb wrote it into `EmbeddedAssets` at build time: its name under
/// `web/` and its bytes, given as text or as base64.
struct EmbeddedAsset: Sendable {
    let name: String
    let bytes: [UInt8]

    init(name: String, text: String) {
        self.name = name
        self.bytes = Array(text.utf8)
    }

    /// Binary files (images) and text a literal would not keep exactly; malformed base64 gives no bytes.
    init(name: String, base64: String) {
        self.name = name
        self.bytes = Data(base64Encoded: base64).map { Array($0) } ?? []
    }
}
