import Artifacts
import Foundation
import Testing
import TrackingCore
@testable import SwiftrackCommands

/// Which repository and path `swiftrack gc` resolves a stored artifact location to, with the
/// server's real factory (every scheme it serves), and the locations it refuses to touch.
@Suite struct ArtifactLocatorTests {
    /// Locating touches no disk, so the destination need not exist.
    private let destination = "/srv/proxied"

    private func locator(_ destination: String? = nil) throws -> ArtifactLocator {
        ArtifactLocator(factory: try ArtifactComposition.factory(environment: [:]),
                        artifactsDestination: destination ?? self.destination)
    }

    /// The local root and path `uri` resolves to; a failed test when it is not local.
    private func local(_ uri: String, destination: String? = nil) throws -> (root: String, path: String) {
        let (repository, path) = try locator(destination).locate(uri)
        let local = try #require(repository as? LocalArtifactRepository, "\(uri) is not local: \(repository)")
        return (local.root, path)
    }

    /// The refusal's message, or nil when `uri` is located.
    private func refusal(_ uri: String) throws -> String? {
        do {
            _ = try locator().locate(uri)
            return nil
        } catch let error as MLflowError {
            #expect(error.code == .invalidParameterValue)
            return error.message
        }
    }

    @Test func proxiedLocationsResolveIntoTheDestination() throws {
        for uri in ["mlflow-artifacts:/1/abc/artifacts", "mlflow-artifacts:///1/abc/artifacts",
                    "mlflow-artifacts://tracking:5000/1/abc/artifacts",
                    "http://tracking:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts",
                    "https://mlflow.example.com/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts"] {
            let located = try local(uri)
            #expect(located.root == destination, "\(uri)")
            #expect(located.path == "1/abc/artifacts", "\(uri)")
        }
        #expect(try locator().localDirectory("mlflow-artifacts:/1/abc/artifacts") == destination + "/1/abc/artifacts")
        #expect(try locator().localDirectory("mlflow-artifacts:/") == destination)
    }

    @Test func aRelativeDestinationIsTheWorkingDirectorys() throws {
        let located = try local("mlflow-artifacts:/2/r/artifacts", destination: "./mlruns/artifacts")
        #expect(located.root == FileManager.default.currentDirectoryPath + "/mlruns/artifacts")
        #expect(located.path == "2/r/artifacts")
        #expect(try locator("./mlruns/artifacts").destination == FileManager.default.currentDirectoryPath + "/mlruns/artifacts")
    }

    @Test func anObjectStoreDestinationTakesProxiedLocations() throws {
        let (repository, path) = try locator("s3://proxy-bucket/dest").locate("mlflow-artifacts:/3/r/artifacts")
        let s3 = try #require(repository as? S3ArtifactRepository)
        #expect(s3.location == BucketLocation(bucket: "proxy-bucket", prefix: "dest"))
        #expect(path == "3/r/artifacts")
        #expect(try locator("s3://proxy-bucket/dest").localDirectory("mlflow-artifacts:/3/r/artifacts") == nil)
    }

    @Test func otherLocationsOpenTheirOwnRepositoryAtItsRoot() throws {
        #expect(try local("/srv/mlruns/1/abc/artifacts") == ("/srv/mlruns/1/abc/artifacts", ""))
        #expect(try local("file:///srv/mlruns/1/abc/artifacts") == ("/srv/mlruns/1/abc/artifacts", ""))
        #expect(try local("mlruns/1/abc/artifacts")
                == (FileManager.default.currentDirectoryPath + "/mlruns/1/abc/artifacts", ""))
        #expect(try locator().localDirectory("/srv/mlruns/1/abc/artifacts") == "/srv/mlruns/1/abc/artifacts")

        let (s3, s3Path) = try locator().locate("s3://runs-bucket/1/abc/artifacts")
        #expect((s3 as? S3ArtifactRepository)?.location == BucketLocation(bucket: "runs-bucket", prefix: "1/abc/artifacts"))
        #expect(s3Path == "")
        let (gcs, _) = try locator().locate("gs://runs-bucket/models/m-1/artifacts")
        #expect((gcs as? GCSArtifactRepository)?.location == BucketLocation(bucket: "runs-bucket", prefix: "models/m-1/artifacts"))
        let (azure, _) = try locator().locate("wasbs://runs@account.blob.core.windows.net/1/abc/artifacts")
        let blob = try #require((azure as? AzureBlobArtifactRepository)?.location)
        #expect([blob.account, blob.container, blob.prefix] == ["account", "runs", "1/abc/artifacts"])
        #expect(try locator().localDirectory("s3://runs-bucket/1/abc/artifacts") == nil)
    }

    @Test func anEmptyLocationIsRefused() throws {
        #expect(try refusal("") == "No artifact location is recorded")
        #expect(try locator().localDirectory("") == nil)
    }

    @Test func unsupportedSchemesAreRefused() throws {
        for uri in ["ftp://files/1/abc/artifacts", "hdfs://namenode/1/abc/artifacts",
                    // Plain https is an artifact root only as an Azure Blob URL.
                    "https://files.example.com/1/abc/artifacts"] {
            #expect(try refusal(uri) == "Unsupported artifact location '\(uri)': "
                    + "use a local path, file://, or a configured object store URI")
            #expect(try locator().localDirectory(uri) == nil)
        }
        #expect(try refusal("s3://bad@bucket/1/abc") == "Invalid S3 bucket name in 's3://bad@bucket/1/abc'")
    }

    @Test func proxiedPathsThatLeaveTheDestinationAreRefused() throws {
        for uri in ["mlflow-artifacts:/1/abc/../../..", "mlflow-artifacts:/1/abc/%2e%2e/%2e%2e",
                    "mlflow-artifacts:/1/abc/%252e%252e/x", "mlflow-artifacts:/1/abc%00/artifacts",
                    "http://tracking/api/2.0/mlflow-artifacts/artifacts/../etc",
                    "mlflow-artifacts:/C:/data", "mlflow-artifacts:/~root/x"] {
            #expect(try refusal(uri) == "Invalid path", "\(uri)")
        }
    }

    /// gc deletes a location only when it names the run's or model's id: `<id>/..` names the id
    /// but resolves to its parent, so such a location is refused, as written or percent-encoded.
    @Test func locationsThatClimbAreRefused() throws {
        for uri in ["/srv/mlruns/1/abc/../..", "/srv/mlruns/1/abc/artifacts/../../../..",
                    "file:///srv/mlruns/1/abc/%2e%2e/%2e%2e", "file:///srv/mlruns/1/abc/%252E%252E",
                    "mlruns/1/abc/..", "s3://runs-bucket/1/abc/../.."] {
            #expect(try refusal(uri) == "Invalid artifact location '\(uri)': it holds a '..' segment", "\(uri)")
            #expect(try locator().localDirectory(uri) == nil, "\(uri)")
        }
        // A name that merely contains dots is a name.
        #expect(try local("/srv/mlruns/1/abc..d/artifacts") == ("/srv/mlruns/1/abc..d/artifacts", ""))
    }
}
