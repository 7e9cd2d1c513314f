internal import CZlib

/// Decompresses an HTTP body sent with `Content-Encoding: gzip` or `deflate` (zlib's inflate), with
/// a ceiling on the output so a small hostile body cannot expand into gigabytes (a "zip bomb"):
/// inflating stops, and fails, as soon as the output would pass `maxOutputBytes`.
public enum Inflater {
    public enum Format: Sendable {
        /// RFC 1952 (`gzip`), one member or several in a row (as `gzip.decompress` reads them).
        case gzip
        /// RFC 1950 (`deflate` as the HTTP spec names it), or a raw RFC 1951 stream, which some
        /// clients send instead: both accepted, as MLflow's server does.
        case deflate
    }

    public static func inflate(_ input: [UInt8], format: Format, maxOutputBytes: Int) throws(InflateError) -> [UInt8] {
        switch format {
        case .gzip:
            return try run(input, windowBits: 16 + MAX_WBITS, maxOutputBytes: maxOutputBytes, members: true)
        case .deflate:
            do {
                return try run(input, windowBits: MAX_WBITS, maxOutputBytes: maxOutputBytes, members: false)
            } catch .malformed {
                return try run(input, windowBits: -MAX_WBITS, maxOutputBytes: maxOutputBytes, members: false)
            }
        }
    }

    private static func run(_ input: [UInt8], windowBits: Int32, maxOutputBytes: Int,
                            members: Bool) throws(InflateError) -> [UInt8] {
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var consumed = 0
        var first = true
        // Each gzip member is its own stream; a raw or zlib body is one.
        while first || (members && consumed < input.count) {
            first = false
            var stream = z_stream()
            guard swiftrack_inflate_init2(&stream, windowBits) == Z_OK else { throw .malformed("cannot start inflating") }
            defer { inflateEnd(&stream) }
            let status: Int32 = input.withUnsafeBufferPointer { source in
                chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress.map { $0 + consumed })
                    stream.avail_in = UInt32(clamping: input.count - consumed)
                    var result: Int32 = Z_OK
                    repeat {
                        stream.next_out = buffer.baseAddress
                        stream.avail_out = UInt32(buffer.count)
                        result = zlib_inflate(&stream)
                        let produced = buffer.count - Int(stream.avail_out)
                        if output.count + produced > maxOutputBytes { return Int32.min }
                        output.append(contentsOf: buffer.prefix(produced))
                    } while result == Z_OK
                    return result
                }
            }
            if status == Int32.min { throw .tooLarge(maxOutputBytes) }
            guard status == Z_STREAM_END else { throw .malformed(status == Z_BUF_ERROR ? "truncated stream" : "corrupt stream") }
            consumed = input.count - Int(stream.avail_in)
        }
        return output
    }

    /// zlib's `inflate(stream, Z_NO_FLUSH)`.
    private static func zlib_inflate(_ stream: inout z_stream) -> Int32 {
        CZlib.inflate(&stream, Z_NO_FLUSH)
    }
}

/// Why a body could not be inflated.
public enum InflateError: Error, Sendable, Equatable {
    case malformed(String)
    /// The output would have passed this many bytes.
    case tooLarge(Int)
}
