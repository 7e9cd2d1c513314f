import Foundation
import JSON
import OutboundHTTP
import TrackingCore

/// Server-side encryption asked of S3 on every upload (PutObject and CreateMultipartUpload; the
/// parts of an upload inherit it): SSE-S3 (`AES256`) or SSE-KMS (`aws:kms`, with a key id, or
/// the bucket's default KMS key).
public enum S3ServerSideEncryption: Sendable, Equatable {
    case s3
    case kms(keyId: String?)

    /// The headers an upload carries.
    var headers: [HTTPHeader] {
        switch self {
        case .s3:
            return [HTTPHeader("x-amz-server-side-encryption", "AES256")]
        case .kms(let keyId):
            return [HTTPHeader("x-amz-server-side-encryption", "aws:kms")]
                + (keyId.map { [HTTPHeader("x-amz-server-side-encryption-aws-kms-key-id", $0)] } ?? [])
        }
    }

    /// From `SWIFTRACK_S3_SSE` (`AES256` / `SSE-S3`, or `aws:kms` / `SSE-KMS`) with
    /// `SWIFTRACK_S3_SSE_KMS_KEY_ID`, else from MLflow's `MLFLOW_S3_UPLOAD_EXTRA_ARGS` JSON
    /// (`ServerSideEncryption`, `SSEKMSKeyId`); nil when neither asks for encryption. A value it
    /// cannot honour is an error, so uploads never go out unencrypted by mistake.
    public static func from(environment: [String: String]) throws -> S3ServerSideEncryption? {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        if let mode = value("SWIFTRACK_S3_SSE") {
            return try parse(mode, keyId: value("SWIFTRACK_S3_SSE_KMS_KEY_ID"), source: "SWIFTRACK_S3_SSE")
        }
        if value("SWIFTRACK_S3_SSE_KMS_KEY_ID") != nil {
            throw MLflowError.invalidParameter("SWIFTRACK_S3_SSE_KMS_KEY_ID needs SWIFTRACK_S3_SSE=aws:kms")
        }
        guard let text = value("MLFLOW_S3_UPLOAD_EXTRA_ARGS") else { return nil }
        guard case .object(let members)? = try? JSONParser.parse(Array(text.utf8)) else {
            throw MLflowError.invalidParameter("MLFLOW_S3_UPLOAD_EXTRA_ARGS is not a JSON object: \(text)")
        }
        var mode: String?, keyId: String?
        for (name, member) in members {
            guard case .string(let string) = member else {
                throw MLflowError.invalidParameter("MLFLOW_S3_UPLOAD_EXTRA_ARGS: \(name) must be a string")
            }
            switch name {
            case "ServerSideEncryption": mode = string
            case "SSEKMSKeyId": keyId = string
            default:
                throw MLflowError.invalidParameter("MLFLOW_S3_UPLOAD_EXTRA_ARGS: \(name) is not supported "
                    + "(Swiftrack honours ServerSideEncryption and SSEKMSKeyId)")
            }
        }
        guard let mode else {
            if keyId != nil {
                throw MLflowError.invalidParameter("MLFLOW_S3_UPLOAD_EXTRA_ARGS: SSEKMSKeyId needs ServerSideEncryption aws:kms")
            }
            return nil
        }
        return try parse(mode, keyId: keyId, source: "MLFLOW_S3_UPLOAD_EXTRA_ARGS")
    }

    private static func parse(_ mode: String, keyId: String?, source: String) throws -> S3ServerSideEncryption {
        switch mode.lowercased() {
        case "aes256", "sse-s3":
            if keyId != nil { throw MLflowError.invalidParameter("\(source): a KMS key id needs aws:kms, not \(mode)") }
            return .s3
        case "aws:kms", "sse-kms":
            return .kms(keyId: keyId)
        default:
            throw MLflowError.invalidParameter("\(source): server-side encryption is AES256 (SSE-S3) or aws:kms "
                + "(SSE-KMS), got '\(mode)'")
        }
    }
}
