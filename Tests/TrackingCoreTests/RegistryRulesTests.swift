import Testing
@testable import TrackingCore

@Suite("Registry rules: stages, URIs, sources, names")
struct RegistryRulesTests {
    @Test func stagesAreCaseInsensitive() throws {
        #expect(try ModelStage.canonical("production") == .production)
        #expect(try ModelStage.canonical("NONE") == ModelStage.none)
        #expect(throws: MLflowError.invalidParameter(
            "Invalid Model Version stage: prod. Value must be one of None, Staging, Production, Archived.")) {
            try ModelStage.canonical("prod")
        }
    }

    @Test func modelsURIs() {
        #expect(ModelsURI("models:/m-123") == .modelId("m-123"))
        #expect(ModelsURI("models:/name/3") == .version(name: "name", version: "3"))
        #expect(ModelsURI("models:/name/Production") == .stage(name: "name", stage: "Production"))
        #expect(ModelsURI("models:/name/LATEST") == .latest(name: "name"))
        #expect(ModelsURI("models:/name@champ") == .alias(name: "name", alias: "champ"))
        #expect(ModelsURI("models:/a/b/c") == nil)
        #expect(ModelsURI("models:/") == nil)
        #expect(ModelsURI("runs:/x/y") == nil)
    }

    @Test func urlParts() {
        let uri = ModelSourceURI("S3://user@Bucket:9000/a/b?q=1#f")
        #expect(uri.scheme == "s3")
        #expect(uri.netloc == "user@Bucket:9000")
        #expect(uri.hostname == "bucket")
        #expect(uri.path == "/a/b")
        #expect(ModelSourceURI("/tmp/x").scheme == "")
        #expect(ModelSourceURI("runs:/abc/model").netloc == "")
    }

    @Test func sourceClassification() {
        #expect(ModelSourceRules.isLocal("/tmp/x"))
        #expect(ModelSourceRules.isLocal("file:///tmp/x"))
        #expect(ModelSourceRules.isLocal("file://localhost/tmp/x"))
        #expect(!ModelSourceRules.isLocal("s3://bucket/x"))
        #expect(ModelSourceRules.rejectedHostAddressedScheme("https://host/x") == "https")
        #expect(ModelSourceRules.rejectedHostAddressedScheme("mlflow-artifacts:/0/x") == nil)
        #expect(ModelSourceRules.rejectedHostAddressedScheme("mlflow-artifacts://host/0/x") == "mlflow-artifacts")
        #expect(ModelSourceRules.runId(ofRunsURI: "runs:/abc/model") == "abc")
        #expect(ModelSourceRules.runId(ofRunsURI: "runs:/") == nil)
        #expect(ModelSourceRules.isMLflowArtifactSource("https://h/api/2.0/mlflow-artifacts/artifacts/0/x"))
        #expect(ModelSourceRules.isWithinRoot("mlflow-artifacts:/0/r/artifacts/model", root: "mlflow-artifacts:/0/r/artifacts"))
        #expect(!ModelSourceRules.isWithinRoot("mlflow-artifacts:/0/other", root: "mlflow-artifacts:/0/r/artifacts"))
    }

    @Test func fileURIsNamingARemoteHostAreRefused() throws {
        let message = "file://123.456.789.123/path is not a valid remote uri. For remote access on windows, please "
            + "consider using a different scheme such as SMB (e.g. smb://<hostname>/<path>)."
        #expect(throws: MLflowError.invalidParameter(message)) {
            try ModelSourceRules.refuseRemoteFileHost("file://123.456.789.123/path")
        }
        #expect(throws: MLflowError.self) { try ModelSourceRules.refuseRemoteFileHost("FILE://user@Example.com:80/x") }
        // Local as in MLflow's `is_local_uri`: no host, localhost..., 127.0.0.1..., "."; other schemes pass here.
        for source in ["file:///abs", "file://localhost/x", "file://localhost:5000/x", "file://127.0.0.1/x",
                       "file://./rel", "file:rel", "/plain", "rel", "s3://bucket/x", "https://host/x"] {
            try ModelSourceRules.refuseRemoteFileHost(source)
        }
    }

    @Test func relativePathReferences() {
        let cwd = "/srv"
        #expect(!ModelSourceRules.hasRelativePathReferences("s3://bucket/models/x", currentDirectory: cwd))
        #expect(!ModelSourceRules.hasRelativePathReferences("s3://bucket/models//x/", currentDirectory: cwd))
        #expect(ModelSourceRules.hasRelativePathReferences("s3://bucket/../x", currentDirectory: cwd))
        #expect(ModelSourceRules.hasRelativePathReferences("s3://bucket/%2E%2E/x", currentDirectory: cwd))
        #expect(ModelSourceRules.hasRelativePathReferences("s3://bucket/a/./b", currentDirectory: cwd))
        #expect(ModelSourceRules.hasRelativePathReferences("s3://bucket", currentDirectory: cwd))
        #expect(ModelSourceRules.directory("/a/b", contains: "/a/b/c"))
        #expect(!ModelSourceRules.directory("/a/b", contains: "/a/bc"))
    }

    @Test func aliasAndVersionRules() throws {
        try Validation.validateAliasName("champion_1-x")
        try Validation.validateAliasNameNotReserved("v1a")
        #expect(throws: MLflowError.self) { try Validation.validateAliasNameNotReserved("v12") }
        #expect(try Validation.modelVersionNumber(" 7 ") == 7)
        #expect(throws: MLflowError.invalidParameter("Parameter 'version' must be an integer, got '1.0'.")) {
            try Validation.modelVersionNumber("1.0")
        }
    }
}
