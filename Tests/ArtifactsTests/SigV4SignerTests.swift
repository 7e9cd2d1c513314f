import Foundation
import OutboundHTTP
import Testing
@testable import Artifacts
import Crypto

/// The worked examples of the S3 SigV4 documentation ("Examples: Signature calculations",
/// header-based and query-string authentication), with its example key pair and date.
@Suite struct SigV4SignerTests {
    static let credentials = AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE",
                                            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let signer = SigV4Signer(credentials: credentials, region: "us-east-1")
    static let host = "examplebucket.s3.amazonaws.com"
    static let date = AMZDate(Date(timeIntervalSince1970: 1_369_353_600))  // 2013-05-24T00:00:00Z

    private func authorization(_ headers: [HTTPHeader]) -> String? {
        headers.first { $0.name == "Authorization" }?.value
    }

    @Test func dateStampsAreUTC() {
        #expect(Self.date.timestamp == "20130524T000000Z")
        #expect(Self.date.dateStamp == "20130524")
    }

    @Test func getObjectExample() {
        let request = SigV4Request(method: "GET", host: Self.host, encodedPath: "/test.txt",
                                   headers: [HTTPHeader("Range", "bytes=0-9")])
        let headers = Self.signer.signedHeaders(for: request, payloadHash: SigV4Signer.emptyPayloadHash, date: Self.date)
        #expect(authorization(headers) == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func getObjectCanonicalRequestAndStringToSign() {
        let canonical = SigV4Signer.canonicalHeaders([
            HTTPHeader("Host", Self.host), HTTPHeader("Range", "bytes=0-9"),
            HTTPHeader("x-amz-content-sha256", SigV4Signer.emptyPayloadHash), HTTPHeader("x-amz-date", "20130524T000000Z"),
        ])
        let request = SigV4Signer.canonicalRequest(method: "GET", encodedPath: "/test.txt", query: [],
                                                   canonicalHeaders: canonical.text, signedHeaders: canonical.names,
                                                   payloadHash: SigV4Signer.emptyPayloadHash)
        #expect(request == """
            GET
            /test.txt

            host:examplebucket.s3.amazonaws.com
            range:bytes=0-9
            x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            x-amz-date:20130524T000000Z

            host;range;x-amz-content-sha256;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(Self.signer.stringToSign(canonicalRequest: request, date: Self.date) == """
            AWS4-HMAC-SHA256
            20130524T000000Z
            20130524/us-east-1/s3/aws4_request
            7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972
            """)
    }

    @Test func putObjectExample() {
        let body = Array("Welcome to Amazon S3.".utf8)
        #expect(SHA256.hex(body) == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let request = SigV4Request(method: "PUT", host: Self.host, encodedPath: "/" + AWSURIEncoding.encode("test$file.text", keepingSlash: true),
                                   headers: [HTTPHeader("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                                             HTTPHeader("x-amz-storage-class", "REDUCED_REDUNDANCY")])
        #expect(request.encodedPath == "/test%24file.text")
        let headers = Self.signer.signedHeaders(for: request, payloadHash: SHA256.hex(body), date: Self.date)
        #expect(authorization(headers) == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func getBucketLifecycleExample() {
        let request = SigV4Request(method: "GET", host: Self.host, encodedPath: "/", query: [QueryItem("lifecycle")])
        let headers = Self.signer.signedHeaders(for: request, payloadHash: SigV4Signer.emptyPayloadHash, date: Self.date)
        #expect(authorization(headers)?.hasSuffix("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543") == true)
    }

    @Test func listObjectsExample() {
        let request = SigV4Request(method: "GET", host: Self.host, encodedPath: "/",
                                   query: [QueryItem("prefix", "J"), QueryItem("max-keys", "2")])
        let headers = Self.signer.signedHeaders(for: request, payloadHash: SigV4Signer.emptyPayloadHash, date: Self.date)
        #expect(authorization(headers) == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test func presignedURLExample() {
        let request = SigV4Request(method: "GET", host: Self.host, encodedPath: "/test.txt")
        let query = Self.signer.presignedQuery(for: request, expires: 86400, date: Self.date)
        #expect(AWSURIEncoding.canonicalQuery(query) == "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404&X-Amz-SignedHeaders=host")
    }

    @Test func sessionTokenIsSignedAndSent() {
        var signer = Self.signer
        signer.credentials.sessionToken = "token/with+chars"
        let request = SigV4Request(method: "GET", host: Self.host, encodedPath: "/test.txt")
        let headers = signer.signedHeaders(for: request, payloadHash: SigV4Signer.unsignedPayload, date: Self.date)
        #expect(headers.contains(HTTPHeader("x-amz-security-token", "token/with+chars")))
        #expect(authorization(headers)?.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,") == true)
        let query = signer.presignedQuery(for: request, expires: 60, date: Self.date)
        #expect(query.contains(QueryItem("X-Amz-Security-Token", "token/with+chars")))
    }

    @Test func uriEncoding() {
        #expect(AWSURIEncoding.encode("a b/ü~._-+*", keepingSlash: true) == "a%20b/%C3%BC~._-%2B%2A")
        #expect(AWSURIEncoding.encode("a/b") == "a%2Fb")
        #expect(AWSURIEncoding.canonicalQuery([QueryItem("b", "2"), QueryItem("a", "x y"), QueryItem("uploads")]) == "a=x%20y&b=2&uploads=")
    }

    @Test func headerValuesAreTrimmedAndMerged() {
        let canonical = SigV4Signer.canonicalHeaders([HTTPHeader("X-B", "  one   two "), HTTPHeader("x-a", "1"), HTTPHeader("X-A", "2")])
        #expect(canonical.text == "x-a:1,2\nx-b:one two\n")
        #expect(canonical.names == "x-a;x-b")
    }
}
