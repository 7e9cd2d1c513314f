import Foundation
import OutboundHTTP
import Testing
import TrackingCore
@testable import Artifacts

@Suite struct S3ConfigurationTests {
    @Test func environmentKeysWin() {
        let configuration = S3Configuration(environment: [
            "AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
            "AWS_REGION": "eu-west-1", "MLFLOW_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        ])
        #expect(configuration.credentials == AWSCredentials(accessKeyId: "id", secretAccessKey: "secret", sessionToken: "token"))
        #expect(configuration.region == "eu-west-1")
        #expect(configuration.endpointURL == "http://127.0.0.1:9000")
    }

    @Test func defaultRegionPrecedenceAndDefault() {
        #expect(S3Configuration(environment: ["AWS_DEFAULT_REGION": "ap-south-1", "AWS_REGION": "eu-west-1", "HOME": "/nonexistent"]).region == "ap-south-1")
        let empty = S3Configuration(environment: ["HOME": "/nonexistent"])
        #expect(empty.region == "us-east-1")
        #expect(empty.credentials == nil)
        #expect(empty.endpointURL == nil)
    }

    @Test func sharedCredentialsFileAndProfile() throws {
        let directory = NSTemporaryDirectory() + "aws-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/.aws", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = """
            # comment
            [default]
            aws_access_key_id = DEFAULTID
            aws_secret_access_key = defaultsecret

            [work]
            aws_access_key_id=WORKID
            aws_secret_access_key=work/secret=
            aws_session_token = worktoken
            """
        try text.write(toFile: directory + "/.aws/credentials", atomically: true, encoding: .utf8)
        let byDefault = S3Configuration(environment: ["HOME": directory])
        #expect(byDefault.credentials == AWSCredentials(accessKeyId: "DEFAULTID", secretAccessKey: "defaultsecret"))
        let work = S3Configuration(environment: ["HOME": directory, "AWS_PROFILE": "work"])
        #expect(work.credentials == AWSCredentials(accessKeyId: "WORKID", secretAccessKey: "work/secret=", sessionToken: "worktoken"))
        try text.write(toFile: directory + "/other", atomically: true, encoding: .utf8)
        let explicit = S3Configuration(environment: ["HOME": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": directory + "/other"])
        #expect(explicit.credentials?.accessKeyId == "DEFAULTID")
        #expect(S3Configuration(environment: ["HOME": directory, "AWS_PROFILE": "missing"]).credentials == nil)
    }

    @Test func locations() throws {
        #expect(try BucketLocation(uri: "s3://bucket", scheme: "s3") == BucketLocation(bucket: "bucket", prefix: ""))
        #expect(try BucketLocation(uri: "s3://bucket/a/b/", scheme: "s3") == BucketLocation(bucket: "bucket", prefix: "a/b"))
        #expect(try BucketLocation(uri: "s3://bucket/a/b", scheme: "s3").objectName(for: "c/d.txt") == "a/b/c/d.txt")
        #expect(try BucketLocation(uri: "s3://bucket", scheme: "s3").objectName(for: "") == "")
        #expect(throws: MLflowError.self) { try BucketLocation(uri: "gs://bucket/a", scheme: "s3") }
        #expect(throws: MLflowError.self) { try BucketLocation(uri: "s3:///a", scheme: "s3") }
    }

    @Test func endpoints() throws {
        let aws = try S3Endpoint(configuration: S3Configuration(credentials: nil, region: "eu-west-1"), bucket: "my-bucket")
        #expect(aws.url(encodedPath: aws.encodedPath(forKey: "a b/c"), query: []) == "https://my-bucket.s3.eu-west-1.amazonaws.com/a%20b/c")
        #expect(aws.encodedPath(forKey: "") == "/")
        let dotted = try S3Endpoint(configuration: S3Configuration(credentials: nil), bucket: "my.bucket")
        #expect(dotted.url(encodedPath: dotted.encodedPath(forKey: "k"), query: []) == "https://s3.us-east-1.amazonaws.com/my.bucket/k")
        let minio = try S3Endpoint(configuration: S3Configuration(credentials: nil, endpointURL: "http://127.0.0.1:9000/"), bucket: "b")
        #expect(minio.authority == "127.0.0.1:9000")
        #expect(minio.url(encodedPath: minio.encodedPath(forKey: "x/y"), query: [QueryItem("uploads")]) == "http://127.0.0.1:9000/b/x/y?uploads=")
        #expect(minio.encodedPath(forKey: "") == "/b")
        let defaultPort = try S3Endpoint(configuration: S3Configuration(credentials: nil, endpointURL: "https://s3.example.com:443"), bucket: "b")
        #expect(defaultPort.authority == "s3.example.com")
        #expect(throws: MLflowError.self) { try S3Endpoint(configuration: S3Configuration(credentials: nil, endpointURL: "ftp://x"), bucket: "b") }
    }

    @Test func errorDocumentsMapToMLflowErrors() {
        let body = Array("<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>".utf8)
        let error = S3ErrorMapping.error(for: HTTPClientResponse(status: 404, headers: [], body: body), operation: "GetObject", key: "a/b")
        #expect(error.code == .resourceDoesNotExist)
        #expect(error.message.contains("NoSuchKey: The specified key does not exist."))
        let denied = S3ErrorMapping.error(for: HTTPClientResponse(status: 403, headers: [], body: []), operation: "HeadObject", key: "k")
        #expect(denied.code == .permissionDenied)
        #expect(S3ErrorMapping.error(for: HTTPClientResponse(status: 500, headers: [], body: Array("not xml".utf8)), operation: "X", key: "k").code == .internalError)
    }

    @Test func xmlListingParses() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><IsTruncated>true</IsTruncated>
            <Contents><Key>p/a &amp; b.txt</Key><Size>12</Size></Contents>
            <CommonPrefixes><Prefix>p/dir/</Prefix></CommonPrefixes>
            <NextContinuationToken>tok</NextContinuationToken></ListBucketResult>
            """
        let document = try #require(S3XMLElement.parse(Array(xml.utf8)))
        #expect(document.name == "ListBucketResult")
        #expect(document.children("Contents").first?.value("Key") == "p/a & b.txt")
        #expect(document.child("CommonPrefixes")?.value("Prefix") == "p/dir/")
        #expect(document.value("NextContinuationToken") == "tok")
        #expect(S3XMLElement.parse(Array("<a><b></a>".utf8)) == nil)
        #expect(S3XMLElement.escape("<a&'\">") == "&lt;a&amp;&apos;&quot;&gt;")
    }
}
