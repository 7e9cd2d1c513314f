import Foundation

/// One file of the built-in UI as the generator wrote it into `EmbeddedAssets`: its name under
/// `web/` and its bytes, given as text or as base64.
struct EmbeddedAsset: Sendable {
    let name: String
    let bytes: [UInt8]

    init(name: String, text: String) {
        self.name = name
        self.bytes = Array(text.utf8)
    }

    /// Binary files (images); malformed base64 (a hand-edited generated file) gives no bytes.
    init(name: String, base64: String) {
        self.name = name
        self.bytes = Data(base64Encoded: base64).map { Array($0) } ?? []
    }
}
