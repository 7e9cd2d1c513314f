import Testing
@testable import Artifacts
import TrackingCore

@Suite struct ArtifactPathTests {
    @Test(arguments: ["..", "../x", "a/../../b", "/etc/passwd", "%2e%2e/x", "%252e%252e/x", "a/%2E%2E/%2E%2E/b",
                      "..%2fetc", "a\\b", "x#y", "~/x", "C:/x", "file:///etc", "a\u{0}b", "a\nb", "%00x", "%2fetc"])
    func refusesTraversal(_ path: String) {
        #expect(throws: MLflowError.invalidParameter("Invalid path")) { try ArtifactPath.validated(path) }
    }

    @Test func normalisesSafePaths() throws {
        #expect(try ArtifactPath.validated("") == "")
        #expect(try ArtifactPath.validated(".") == "")
        #expect(try ArtifactPath.validated("a//b/./c/") == "a/b/c")
        #expect(try ArtifactPath.validated("model/MLmodel") == "model/MLmodel")
        #expect(try ArtifactPath.validated("a..b/c..") == "a..b/c..")
        #expect(try ArtifactPath.validated("with space/ü.txt") == "with space/ü.txt")
    }

    @Test func proxiedURIsNameTheirDestinationPath() throws {
        #expect(try ProxiedArtifactURI.destinationPath(of: "mlflow-artifacts:/1/abc/artifacts") == "1/abc/artifacts")
        #expect(try ProxiedArtifactURI.destinationPath(of: "mlflow-artifacts://host:5000/1/abc/artifacts") == "1/abc/artifacts")
        #expect(try ProxiedArtifactURI.destinationPath(of: "http://h/api/2.0/mlflow-artifacts/artifacts/1/x") == "1/x")
        #expect(try ProxiedArtifactURI.destinationPath(of: "mlflow-artifacts:/") == "")
        #expect(throws: MLflowError.self) { try ProxiedArtifactURI.destinationPath(of: "mlflow-artifacts:/../etc") }
        #expect(ProxiedArtifactURI.isProxied("mlflow-artifacts:/1"))
        #expect(!ProxiedArtifactURI.isProxied("/tmp/a"))
        #expect(!ProxiedArtifactURI.isProxied("s3://b/p"))
    }
}
