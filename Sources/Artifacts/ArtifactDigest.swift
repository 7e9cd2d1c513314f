#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import TrackingCore

/// SHA-256 of artifact files, read in fixed-size chunks (`LocalFileReader`), so memory stays flat
/// whatever the size: what sealed model versions are built and checked with.
public enum ArtifactDigest {
    /// The size and SHA-256 (lower-case hex) of a local file. `proceed` is told each chunk's size
    /// as it is read; answering false stops the reading (INVALID_STATE "stopped").
    public static func sha256(ofFile path: String,
                              proceed: (Int) -> Bool = { _ in true }) throws -> (size: Int64, sha256: String) {
        let digest = Digest(.sha256)
        var size: Int64 = 0
        try LocalFileReader.forEachChunk(path: path, offset: 0, length: nil) { chunk in
            digest.update(chunk)
            size += Int64(chunk.count)
            guard proceed(chunk.count) else {
                throw MLflowError(.invalidState, "Reading '\(path)' was stopped.")
            }
        }
        return (size, Hex.encode(digest.finalize()))
    }

    /// Copies `source` to a new file `destination` (created with mode 0600, never replacing one),
    /// hashing the bytes as they are copied: what is sent afterwards is exactly what was checked,
    /// even if the source changes meanwhile. The copy is removed when the copy fails.
    public static func copy(_ source: String, to destination: String) throws -> (size: Int64, sha256: String) {
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else {
            throw MLflowError.internalError("Cannot create '\(destination)': \(LocalFileReader.errnoText())")
        }
        var closed = false
        defer { if !closed { close(output) } }
        do {
            let digest = Digest(.sha256)
            var size: Int64 = 0
            try LocalFileReader.forEachChunk(path: source, offset: 0, length: nil) { chunk in
                guard let base = chunk.baseAddress else { return }
                digest.update(chunk)
                size += Int64(chunk.count)
                var written = 0
                while written < chunk.count {
                    let count = write(output, base + written, chunk.count - written)
                    if count < 0 {
                        if errno == EINTR { continue }
                        throw MLflowError.internalError("Cannot write '\(destination)': \(LocalFileReader.errnoText())")
                    }
                    written += count
                }
            }
            closed = true
            guard close(output) == 0 else {
                throw MLflowError.internalError("Cannot write '\(destination)': \(LocalFileReader.errnoText())")
            }
            return (size, Hex.encode(digest.finalize()))
        } catch {
            unlink(destination)
            throw error
        }
    }

    /// SHA-256 (lower-case hex) of a text's UTF-8 bytes: the seal's digest over its manifest.
    public static func sha256(ofText text: String) -> String { SHA256.hex(text) }
}

extension ArtifactRepository {
    /// Whether a file (not a folder) is at `path`, as its parent's listing names it.
    public func holdsFile(at path: String) throws -> Bool {
        try list(PathSegments.parent(path)).contains { !$0.isDirectory && PathSegments.same($0.path, path) }
    }

    /// Every file under `path` ("" is the root), walked level by level through `list`; paths as
    /// the repository names them (from its root).
    public func files(under path: String) throws -> [ArtifactFileInfo] {
        var found: [ArtifactFileInfo] = []
        var pending = [path]
        while let directory = pending.popLast() {
            for entry in try list(directory) {
                if entry.isDirectory { pending.append(entry.path) } else { found.append(entry) }
            }
        }
        return found
    }
}
