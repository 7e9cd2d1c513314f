#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import TrackingCore

/// Reads a byte range of a local file in fixed-size chunks with `pread`, so memory stays flat.
enum LocalFileReader {
    static let chunkSize = 1 << 20

    /// The size of the file at `path`, or nil when it does not exist or is not a regular file.
    static func size(of path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(info.st_size)
    }

    /// Calls `body` with successive chunks of `length` bytes from `offset` (to the end when nil).
    static func forEachChunk(path: String, offset: Int64, length: Int64?,
                             _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw MLflowError.internalError("Cannot open '\(path)': \(errnoText())") }
        defer { close(descriptor) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var position = offset
        var remaining = length ?? Int64.max
        while remaining > 0 {
            let wanted = Int(min(Int64(chunkSize), remaining))
            let count = pread(descriptor, buffer.baseAddress, wanted, off_t(position))
            if count < 0 {
                if errno == EINTR { continue }
                throw MLflowError.internalError("Cannot read '\(path)': \(errnoText())")
            }
            if count == 0 { break }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            position += Int64(count)
            remaining -= Int64(count)
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

extension SHA256 {
    /// The digest of `length` bytes of a local file from `offset` (to its end when nil), read in chunks.
    static func hexOfFile(_ path: String, offset: Int64 = 0, length: Int64? = nil) throws -> String {
        let digest = Digest(.sha256)
        try LocalFileReader.forEachChunk(path: path, offset: offset, length: length) { digest.update($0) }
        return Hex.encode(digest.finalize())
    }
}
