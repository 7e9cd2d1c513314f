import Crypto
import Foundation
import Testing
@testable import Artifacts

/// Artifacts' chunked reading of local files (S3 payload hashes of upload parts), checked against
/// the in-memory digest.
@Suite struct LocalFileReaderTests {
    @Test func sha256OfFileRangeMatchesInMemory() throws {
        let path = NSTemporaryDirectory() + "crypto-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try SHA256.hexOfFile(path) == SHA256.hex(bytes))
        #expect(try SHA256.hexOfFile(path, offset: 1000, length: 1_500_000) == SHA256.hex(Array(bytes[1000..<1_501_000])))
    }
}
