public import Foundation

/// How to reach S3 and sign for it, built from an environment dictionary (the process's by
/// default) so tests can pass their own.
public struct S3Configuration: Sendable, Equatable {
    /// nil sends unsigned (anonymous) requests.
    public var credentials: AWSCredentials?
    public var region: String
    /// `MLFLOW_S3_ENDPOINT_URL` (MinIO, moto, ...): requests go there with path-style addressing.
    /// nil means AWS itself, `https://<bucket>.s3.<region>.amazonaws.com`.
    public var endpointURL: String?
    /// Files larger than this are stored with a multipart upload.
    public var multipartThreshold: Int64
    /// The size of each part of a multipart upload (the last one may be smaller).
    public var partSize: Int64
    /// Seconds a presigned part URL stays valid.
    public var presignedURLExpiry: Int
    /// Seconds to connect, and seconds without progress before a transfer is abandoned.
    public var connectTimeout: Int
    public var stallTimeout: Int
    /// Encryption asked of S3 on every upload; nil leaves it to the bucket's default.
    public var serverSideEncryption: S3ServerSideEncryption?

    public init(credentials: AWSCredentials?, region: String = "us-east-1", endpointURL: String? = nil,
                multipartThreshold: Int64 = 64 << 20, partSize: Int64 = 64 << 20,
                presignedURLExpiry: Int = 3600, connectTimeout: Int = 10, stallTimeout: Int = 60) {
        self.credentials = credentials
        self.region = region
        self.endpointURL = endpointURL
        self.multipartThreshold = multipartThreshold
        self.partSize = partSize
        self.presignedURLExpiry = presignedURLExpiry
        self.connectTimeout = connectTimeout
        self.stallTimeout = stallTimeout
    }

    /// Credentials from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, else
    /// from the shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default
    /// `~/.aws/credentials`; profile `AWS_PROFILE`, default `default`); region from
    /// `AWS_DEFAULT_REGION` / `AWS_REGION` (default us-east-1); endpoint `MLFLOW_S3_ENDPOINT_URL`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        var credentials: AWSCredentials?
        if let id = value("AWS_ACCESS_KEY_ID"), let secret = value("AWS_SECRET_ACCESS_KEY") {
            credentials = AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: value("AWS_SESSION_TOKEN"))
        } else {
            let home = value("HOME") ?? NSHomeDirectory()
            let file = value("AWS_SHARED_CREDENTIALS_FILE").map { Self.expandingTilde($0, home: home) }
                ?? home + "/.aws/credentials"
            credentials = AWSSharedCredentialsFile.credentials(atPath: file, profile: value("AWS_PROFILE") ?? "default")
        }
        self.init(credentials: credentials,
                  region: value("AWS_DEFAULT_REGION") ?? value("AWS_REGION") ?? "us-east-1",
                  endpointURL: value("MLFLOW_S3_ENDPOINT_URL"))
    }

    static func expandingTilde(_ path: String, home: String) -> String {
        path == "~" || path.hasPrefix("~/") ? home + path.dropFirst() : path
    }
}
