import Foundation
import OutboundHTTP
import Testing
import TrackingCore
@testable import Artifacts

@Suite("S3 server-side encryption")
struct S3ServerSideEncryptionTests {
    @Test func isReadFromSwiftracksOrMLflowsVariables() throws {
        #expect(try S3ServerSideEncryption.from(environment: [:]) == nil)
        #expect(try S3ServerSideEncryption.from(environment: ["SWIFTRACK_S3_SSE": "AES256"]) == .s3)
        #expect(try S3ServerSideEncryption.from(environment: ["SWIFTRACK_S3_SSE": "sse-s3"]) == .s3)
        #expect(try S3ServerSideEncryption.from(environment: ["SWIFTRACK_S3_SSE": "aws:kms"]) == .kms(keyId: nil))
        #expect(try S3ServerSideEncryption.from(environment: ["SWIFTRACK_S3_SSE": "SSE-KMS",
                                                              "SWIFTRACK_S3_SSE_KMS_KEY_ID": "alias/ml"]) == .kms(keyId: "alias/ml"))
        #expect(try S3ServerSideEncryption.from(environment: [
            "MLFLOW_S3_UPLOAD_EXTRA_ARGS": #"{"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "1234abcd"}"#])
            == .kms(keyId: "1234abcd"))
        #expect(try S3ServerSideEncryption.from(environment: ["MLFLOW_S3_UPLOAD_EXTRA_ARGS": #"{"ServerSideEncryption": "AES256"}"#]) == .s3)
        #expect(S3ServerSideEncryption.kms(keyId: "k").headers == [
            HTTPHeader("x-amz-server-side-encryption", "aws:kms"),
            HTTPHeader("x-amz-server-side-encryption-aws-kms-key-id", "k")])
    }

    @Test(arguments: [
        (["SWIFTRACK_S3_SSE": "DES"], "SWIFTRACK_S3_SSE: server-side encryption is AES256 (SSE-S3) or aws:kms (SSE-KMS), got 'DES'"),
        (["SWIFTRACK_S3_SSE": "AES256", "SWIFTRACK_S3_SSE_KMS_KEY_ID": "k"], "SWIFTRACK_S3_SSE: a KMS key id needs aws:kms, not AES256"),
        (["SWIFTRACK_S3_SSE_KMS_KEY_ID": "k"], "SWIFTRACK_S3_SSE_KMS_KEY_ID needs SWIFTRACK_S3_SSE=aws:kms"),
        (["MLFLOW_S3_UPLOAD_EXTRA_ARGS": "not json"], "MLFLOW_S3_UPLOAD_EXTRA_ARGS is not a JSON object: not json"),
        (["MLFLOW_S3_UPLOAD_EXTRA_ARGS": #"{"ACL": "public-read"}"#],
         "MLFLOW_S3_UPLOAD_EXTRA_ARGS: ACL is not supported (Swiftrack honours ServerSideEncryption and SSEKMSKeyId)"),
        (["MLFLOW_S3_UPLOAD_EXTRA_ARGS": #"{"SSEKMSKeyId": "k"}"#],
         "MLFLOW_S3_UPLOAD_EXTRA_ARGS: SSEKMSKeyId needs ServerSideEncryption aws:kms"),
    ])
    func whatCannotBeHonouredIsAnError(environment: [String: String], message: String) {
        #expect(throws: MLflowError.invalidParameter(message)) { _ = try S3ServerSideEncryption.from(environment: environment) }
    }

    @Test(.enabled(if: MotoServer.isAvailable, "moto_server not installed"))
    func everyUploadAsksForIt() throws {
        let moto = try MotoServer()
        defer { moto.stop() }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try moto.createBucket("encrypted")
        for (encryption, expected) in [(S3ServerSideEncryption.s3, ("AES256", nil as String?)),
                                       (.kms(keyId: "alias/models"), ("aws:kms", "alias/models"))] {
            var configuration = moto.configuration()
            configuration.serverSideEncryption = encryption
            configuration.multipartThreshold = 5 << 20
            configuration.partSize = 5 << 20
            let repository = try S3ArtifactRepository(uri: "s3://encrypted/\(expected.0)", configuration: configuration)
            try repository.store(localPath: try scratch.makeFile("small", size: 100, seed: 1), as: "small.txt")
            try repository.store(localPath: try scratch.makeFile("large", size: 11 << 20, seed: 2), as: "large.bin")
            for key in ["small.txt", "large.bin"] {
                let head = try repository.client.send("HEAD", key: "\(expected.0)/\(key)", operation: "HeadObject")
                #expect(head.header("x-amz-server-side-encryption") == expected.0, "\(key)")
                if let keyId = expected.1 {
                    #expect(head.header("x-amz-server-side-encryption-aws-kms-key-id")?.hasSuffix(keyId) == true, "\(key)")
                }
            }
            let large = try repository.client.send("HEAD", key: "\(expected.0)/large.bin", operation: "HeadObject")
            #expect(large.header("ETag")?.hasSuffix("-3\"") == true)
        }
    }
}
