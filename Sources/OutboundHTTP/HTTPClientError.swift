/// Why an exchange did not produce a response: libcurl could not be set up, the transfer failed
/// (connection, TLS, timeout, a stalled or aborted transfer), or a local file could not be read
/// or written. An HTTP error status is not one of these: it is a normal response. Callers say
/// what a failure means to them (artifact stores answer INTERNAL_ERROR, webhooks record it).
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libcurl could not be initialised, create a handle, or take an option.
    case library(String)
    /// The exchange itself failed; the text names the method and the URL without its query.
    case transfer(String)
    /// The request body file or the response destination file failed.
    case localFile(String)

    public var message: String {
        switch self {
        case .library(let reason), .transfer(let reason), .localFile(let reason): return reason
        }
    }

    public var description: String { message }
}
