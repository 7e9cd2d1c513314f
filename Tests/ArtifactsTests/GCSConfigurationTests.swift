import Testing
import TrackingCore
@testable import Artifacts

@Suite struct GCSConfigurationTests {
    @Test func locationParsing() throws {
        #expect(try BucketLocation(uri: "gs://bucket", scheme: "gs") == BucketLocation(bucket: "bucket", prefix: ""))
        #expect(try BucketLocation(uri: "gs://bucket/a//b/", scheme: "gs") == BucketLocation(bucket: "bucket", prefix: "a/b"))
        #expect(try BucketLocation(uri: "GS://bucket/x?y", scheme: "gs") == BucketLocation(bucket: "bucket", prefix: "x"))
        #expect(try BucketLocation(uri: "gs://b/p", scheme: "gs").objectName(for: "m/w.bin") == "p/m/w.bin")
        #expect(try BucketLocation(uri: "gs://b", scheme: "gs").objectName(for: "") == "")
        #expect(throws: MLflowError.self) { try BucketLocation(uri: "gs:///p", scheme: "gs") }
        #expect(throws: MLflowError.self) { try BucketLocation(uri: "s3://b/p", scheme: "gs") }
    }

    @Test func environment() {
        let emulator = GCSConfiguration(environment: ["STORAGE_EMULATOR_HOST": "localhost:9023/",
                                                      "GOOGLE_APPLICATION_CREDENTIALS": "/k.json"])
        #expect(emulator.endpointURL == "http://localhost:9023")
        #expect(emulator.credentials == .anonymous, "an emulator takes no credentials")
        #expect(GCSConfiguration(environment: ["STORAGE_EMULATOR_HOST": "https://gcs.local:8443"]).endpointURL == "https://gcs.local:8443")
        let keyed = GCSConfiguration(environment: ["GOOGLE_APPLICATION_CREDENTIALS": " /keys/sa.json "])
        #expect(keyed.credentials == .serviceAccountKeyFile(path: "/keys/sa.json"))
        #expect(keyed.endpointURL == "https://storage.googleapis.com")
        #expect(GCSConfiguration(environment: [:]).credentials == .anonymous)
    }

    @Test func objectNamesAreOneEncodedSegment() throws {
        let client = GCSClient(configuration: GCSConfiguration(credentials: .anonymous), bucket: "b")
        #expect(client.objectPath("a/b c/ü+&.txt") == "/storage/v1/b/b/o/a%2Fb%20c%2F%C3%BC%2B%26.txt")
        #expect(client.url(path: client.uploadPath, query: [QueryItem("uploadType", "media"), QueryItem("name", "a/b")])
                == "https://storage.googleapis.com/upload/storage/v1/b/b/o?name=a%2Fb&uploadType=media")
    }

    @Test func resumableHelpers() {
        #expect(GCSArtifactRepository.effectiveChunkSize(1) == 256 << 10)
        #expect(GCSArtifactRepository.effectiveChunkSize((8 << 20) + 5) == 8 << 20)
        #expect(GCSArtifactRepository.acknowledgedEnd("bytes=0-8388607") == 8 << 20)
        #expect(GCSArtifactRepository.acknowledgedEnd(nil) == 0)
        #expect(GCSArtifactRepository.acknowledgedEnd("garbage") == 0)
    }
}
