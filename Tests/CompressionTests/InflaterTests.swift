import CZlib
import Testing
@testable import Compression

/// Inflating gzip and deflate bodies as MLflow's server accepts them, and refusing what would expand
/// past the ceiling or is not a stream at all.
@Suite("Inflater")
struct InflaterTests {
    /// zlib's deflate of `input` with `windowBits` (31: gzip, 15: zlib, -15: raw).
    private func compress(_ input: [UInt8], windowBits: Int32) -> [UInt8] {
        var stream = z_stream()
        #expect(swiftrack_deflate_init2(&stream, 6, windowBits) == Z_OK)
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 64)
        var input = input
        let produced = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                #expect(deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(produced))
    }

    private let text = Array(String(repeating: "spans of a trace, ", count: 10_000).utf8)

    @Test func gzipZlibAndRawDeflateInflate() throws {
        #expect(try Inflater.inflate(compress(text, windowBits: 31), format: .gzip, maxOutputBytes: 1 << 20) == text)
        #expect(try Inflater.inflate(compress(text, windowBits: 15), format: .deflate, maxOutputBytes: 1 << 20) == text)
        #expect(try Inflater.inflate(compress(text, windowBits: -15), format: .deflate, maxOutputBytes: 1 << 20) == text)
        // Two gzip members in a row read as one body, as `gzip.decompress` reads them.
        let twice = compress(Array("ab".utf8), windowBits: 31) + compress(Array("cd".utf8), windowBits: 31)
        #expect(try Inflater.inflate(twice, format: .gzip, maxOutputBytes: 100) == Array("abcd".utf8))
        #expect(try Inflater.inflate(compress([], windowBits: 31), format: .gzip, maxOutputBytes: 10) == [])
    }

    @Test func aBodyThatWouldPassTheCeilingIsRefused() {
        // 180 kB of text from a body of a few hundred bytes: stopped at the ceiling, not inflated whole.
        let bomb = compress(text, windowBits: 31)
        #expect(bomb.count < 2_000)
        #expect(throws: InflateError.tooLarge(100_000)) { try Inflater.inflate(bomb, format: .gzip, maxOutputBytes: 100_000) }
    }

    @Test func whatIsNotAStreamIsMalformed() {
        #expect(throws: InflateError.malformed("corrupt stream")) {
            try Inflater.inflate(Array("plain text, not gzip".utf8), format: .gzip, maxOutputBytes: 1_000)
        }
        let gzip = compress(text, windowBits: 31)
        #expect(throws: InflateError.malformed("truncated stream")) {
            try Inflater.inflate(Array(gzip.prefix(gzip.count / 2)), format: .gzip, maxOutputBytes: 1 << 20)
        }
        #expect(throws: InflateError.self) { try Inflater.inflate([0xFF, 0xFF, 0xFF], format: .deflate, maxOutputBytes: 100) }
    }
}
