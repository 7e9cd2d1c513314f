import HTTPTransport
import Testing
@testable import SwiftrackCommands

/// `swiftrack server`'s flags as `mlflow server` users know them, their environment twins, and the
/// usage errors that stop the server before anything starts.
@Suite struct ServerOptionsTests {
    /// The documented default: 2 x cores, kept unless told otherwise.
    private let defaultWorkers = 2 * HTTPServerConfiguration.processorCount

    private func options(_ arguments: [String], _ environment: [String: String] = [:]) throws -> ServerOptions {
        try ServerOptions(arguments: try Arguments(arguments, booleanFlags: ServerOptions.booleanFlags),
                          environment: environment)
    }

    /// The usage error's text, or nil when the arguments parse.
    private func usageError(_ arguments: [String], _ environment: [String: String] = [:]) -> String? {
        do {
            _ = try options(arguments, environment)
            return nil
        } catch let error as UsageError {
            return error.description
        } catch {
            return "not a usage error: \(error)"
        }
    }

    @Test func defaultsAreMLflowServers() throws {
        let parsed = try options([])
        #expect(parsed.http.host == "127.0.0.1")
        #expect(parsed.http.port == 5000)
        #expect(parsed.backendStoreURI == "sqlite:///mlruns/mlflow.db")
        #expect(parsed.defaultArtifactRoot == nil)
        #expect(parsed.serveArtifacts)
        #expect(parsed.artifactsDestination == "./mlruns/artifacts")
        // Serving artifacts, new experiments get proxied locations (MLflow's rule).
        #expect(parsed.effectiveDefaultArtifactRoot == "mlflow-artifacts:/")
        // SQLite: enough workers that concurrent writes share transactions.
        #expect(parsed.http.workers == max(defaultWorkers, 32))
        #expect(parsed.artifactsOnly == false)
        #expect(parsed.logFormat == "text")
        #expect(parsed.authEnabled == false)
        #expect(parsed.auditDatabaseURI == nil)
        #expect(parsed.metricsPort == nil)
    }

    @Test func mlflowFlagsTakeTheirValues() throws {
        let parsed = try options(["--host", "0.0.0.0", "--port", "8080",
                                  "--backend-store-uri", "postgresql://u:p@db:5432/mlflow",
                                  "--default-artifact-root", "s3://bucket/root",
                                  "--artifacts-destination", "s3://bucket/proxied", "--workers", "7"])
        #expect(parsed.http.host == "0.0.0.0")
        #expect(parsed.http.port == 8080)
        #expect(parsed.backendStoreURI == "postgresql://u:p@db:5432/mlflow")
        #expect(parsed.defaultArtifactRoot == "s3://bucket/root")
        #expect(parsed.effectiveDefaultArtifactRoot == "s3://bucket/root")
        #expect(parsed.artifactsDestination == "s3://bucket/proxied")
        // Given workers are kept even below the PostgreSQL pool size.
        #expect(parsed.http.workers == 7)
    }

    @Test func equalsFormIsTheSameFlag() throws {
        let parsed = try options(["--port=0", "--host=::1", "--backend-store-uri=sqlite:////tmp/x.db"])
        #expect(parsed.http.port == 0)
        #expect(parsed.http.host == "::1")
        #expect(parsed.backendStoreURI == "sqlite:////tmp/x.db")
    }

    @Test func serverDatabasesGetAWorkerPerPooledConnection() throws {
        #expect(try options(["--backend-store-uri", "mysql://u:p@db/mlflow"]).http.workers
                == max(defaultWorkers, 20))
        #expect(try options(["--backend-store-uri", "mysql://u:p@db/mlflow", "--db-pool-size", "50"]).http.workers == 50)
        // SQLite has one writer: the pool size does not raise the workers; a given count is kept.
        #expect(try options(["--db-pool-size", "50"]).http.workers == max(defaultWorkers, 32))
        #expect(try options(["--workers", "3"]).http.workers == 3)
    }

    @Test func environmentTwinsAreRead() throws {
        let swiftrack = try options([], ["SWIFTRACK_HOST": "10.0.0.1", "SWIFTRACK_PORT": "6000",
                                         "SWIFTRACK_BACKEND_STORE_URI": "sqlite:///a.db",
                                         "SWIFTRACK_DEFAULT_ARTIFACT_ROOT": "/srv/artifacts",
                                         "SWIFTRACK_ARTIFACTS_DESTINATION": "/srv/proxied",
                                         "SWIFTRACK_WORKERS": "3", "SWIFTRACK_SERVE_ARTIFACTS": "false"])
        #expect(swiftrack.http.host == "10.0.0.1")
        #expect(swiftrack.http.port == 6000)
        #expect(swiftrack.backendStoreURI == "sqlite:///a.db")
        #expect(swiftrack.defaultArtifactRoot == "/srv/artifacts")
        #expect(swiftrack.artifactsDestination == "/srv/proxied")
        #expect(swiftrack.http.workers == 3)
        #expect(swiftrack.serveArtifacts == false)

        let mlflow = try options([], ["MLFLOW_HOST": "10.0.0.2", "MLFLOW_PORT": "7000",
                                      "MLFLOW_BACKEND_STORE_URI": "sqlite:///b.db",
                                      "MLFLOW_DEFAULT_ARTIFACT_ROOT": "gs://bucket/root",
                                      "MLFLOW_ARTIFACTS_DESTINATION": "gs://bucket/proxied", "MLFLOW_WORKERS": "5"])
        #expect(mlflow.http.host == "10.0.0.2")
        #expect(mlflow.http.port == 7000)
        #expect(mlflow.backendStoreURI == "sqlite:///b.db")
        #expect(mlflow.defaultArtifactRoot == "gs://bucket/root")
        #expect(mlflow.artifactsDestination == "gs://bucket/proxied")
        #expect(mlflow.http.workers == 5)
    }

    @Test func flagBeatsSwiftrackVariableBeatsMLflowVariable() throws {
        let environment = ["SWIFTRACK_PORT": "6000", "MLFLOW_PORT": "7000", "MLFLOW_HOST": "10.0.0.2", "SWIFTRACK_HOST": ""]
        #expect(try options(["--port", "8000"], environment).http.port == 8000)
        #expect(try options([], environment).http.port == 6000)
        // An empty variable counts as unset, so MLflow's twin is used.
        #expect(try options([], environment).http.host == "10.0.0.2")
    }

    @Test func serveArtifactsSwitches() throws {
        let off = try options(["--no-serve-artifacts"])
        #expect(off.serveArtifacts == false)
        // Not serving artifacts, new experiments get a local root (MLflow's rule).
        #expect(off.effectiveDefaultArtifactRoot == "./mlruns/artifacts")
        #expect(try options(["--serve-artifacts"], ["SWIFTRACK_SERVE_ARTIFACTS": "no"]).serveArtifacts)
        #expect(try options([], ["SWIFTRACK_SERVE_ARTIFACTS": "0"]).serveArtifacts == false)
        #expect(try options([], ["SWIFTRACK_SERVE_ARTIFACTS": "yes"]).serveArtifacts)
        // A boolean flag takes no value: what follows it stays an argument of its own.
        let parsed = try Arguments(["--serve-artifacts", "extra"], booleanFlags: ServerOptions.booleanFlags)
        #expect(parsed.has("serve-artifacts"))
        #expect(parsed.positional == ["extra"])
        #expect(try options(["--artifacts-only"]).artifactsOnly)
    }

    @Test func unknownFlagsAreRefused() {
        #expect(usageError(["--nope", "1"]) == "unknown option --nope")
        #expect(usageError(["--backend-store=sqlite:///x.db"]) == "unknown option --backend-store")
    }

    @Test func aFlagWithoutItsValueIsRefused() {
        #expect(usageError(["--port"]) == "--port needs a value")
        #expect(usageError(["--host", "0.0.0.0", "--backend-store-uri"]) == "--backend-store-uri needs a value")
    }

    @Test func malformedNumbersAreRefusedWithTheirRange() {
        #expect(usageError(["--port", "http"]) == "--port must be an integer in 0...65535, got 'http'")
        #expect(usageError(["--port", "65536"]) == "--port must be an integer in 0...65535, got '65536'")
        #expect(usageError(["--workers", "0"]) == "--workers must be an integer in 1...1024, got '0'")
        #expect(usageError(["--workers", "2.5"]) == "--workers must be an integer in 1...1024, got '2.5'")
        // A twin is checked as strictly as its flag.
        #expect(usageError([], ["MLFLOW_PORT": "-1"]) == "--port must be an integer in 0...65535, got '-1'")
        #expect(usageError([], ["SWIFTRACK_WORKERS": "many"]) == "--workers must be an integer in 1...1024, got 'many'")
    }

    @Test func contradictoryOrUnknownChoicesAreRefused() {
        #expect(usageError(["--artifacts-only", "--no-serve-artifacts"]) == "--artifacts-only needs --serve-artifacts")
        #expect(usageError(["--log-format", "xml"]) == "--log-format must be text, json or none, got 'xml'")
        #expect(usageError(["--app-name", "oidc-auth"]) == "--app-name must be basic-auth, got 'oidc-auth'")
        #expect(usageError(["--tls-cert", "/nonexistent.pem"]) == "--tls-cert and --tls-key go together")
        #expect(usageError(["--ui", "classic"]) == "--ui must be builtin, mlflow or none, got 'classic'")
    }

    @Test func traceRetentionTakesMLflowsDurationsAndAnInterval() throws {
        #expect(try options([]).traceRetention == .init(defaultMillis: nil, intervalSeconds: 300))
        #expect(try options(["--trace-retention", "30d", "--trace-retention-interval", "60"]).traceRetention
                    == .init(defaultMillis: 2_592_000_000, intervalSeconds: 60))
        #expect(try options([], ["SWIFTRACK_TRACE_RETENTION": "12h"]).traceRetention.defaultMillis == 43_200_000)
        #expect(usageError(["--trace-retention", "30"])?.hasPrefix("--trace-retention: Trace retention must be in the form") == true)
        #expect(usageError(["--trace-retention-interval", "0"])
                    == "--trace-retention-interval must be an integer in 1...86400, got '0'")
    }

    @Test func sealedCopyBytesIsAByteCountWithFourGiBByDefault() throws {
        #expect(try options([]).sealedCopyBytes == 4 << 30)
        #expect(try options(["--sealed-copy-bytes", "0"]).sealedCopyBytes == 0)
        #expect(try options([], ["SWIFTRACK_SEALED_COPY_BYTES": "1048576"]).sealedCopyBytes == 1 << 20)
        #expect(usageError(["--sealed-copy-bytes", "-1"])
                == "--sealed-copy-bytes must be a whole number of bytes (0: no limit), got '-1'")
        #expect(usageError(["--sealed-copy-bytes", "2G"])
                == "--sealed-copy-bytes must be a whole number of bytes (0: no limit), got '2G'")
    }

    @Test func sealWaitIsSecondsUpToTenMinutes() throws {
        #expect(try options([]).sealWaitSeconds == 20)
        #expect(try options(["--seal-wait", "0"]).sealWaitSeconds == 0)
        #expect(try options([], ["SWIFTRACK_SEAL_WAIT": "600"]).sealWaitSeconds == 600)
        #expect(usageError(["--seal-wait", "601"]) == "--seal-wait must be an integer in 0...600, got '601'")
        #expect(usageError(["--seal-wait", "1.5"]) == "--seal-wait must be an integer in 0...600, got '1.5'")
    }
}
