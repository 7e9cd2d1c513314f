import Compression
import TrackingCore

/// An OTLP request body as sent: OTLP/HTTP allows `gzip` content encoding, and MLflow's server also
/// `deflate` (zlib or raw). Inflated at most to `maxDecodedBytes`, the transport's own body ceiling,
/// so compression cannot carry a body the server would refuse uncompressed.
enum OTLPBody {
    static let maxDecodedBytes = 64 << 20

    static func decoded(_ body: [UInt8], contentEncoding: String?) throws(MLflowError) -> [UInt8] {
        let encoding = contentEncoding.map { $0[...].trimmingWhitespace().lowercased() } ?? ""
        let format: Inflater.Format
        switch encoding {
        case "", "identity": return body
        case "gzip": format = .gzip
        case "deflate": format = .deflate
        default: throw MLflowError.invalidParameter("Unsupported Content-Encoding: \(encoding). Expected: gzip or deflate")
        }
        do {
            return try Inflater.inflate(body, format: format, maxOutputBytes: maxDecodedBytes)
        } catch {
            switch error {
            case .tooLarge(let limit):
                throw MLflowError(.badRequest, "The \(encoding) body inflates to more than \(limit) bytes.")
            case .malformed(let reason):
                throw MLflowError.invalidParameter("Failed to decompress \(encoding) payload: \(reason)")
            }
        }
    }
}
