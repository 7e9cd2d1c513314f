import JSON
import Testing
@testable import API

@Suite struct ArtifactListRouteTests {
    /// A run whose artifact directory holds `model.txt` (5 bytes), `empty.txt` and `sub/inner.txt`.
    private func runWithArtifacts(_ h: APIHarness, _ directory: TemporaryDirectory) throws -> (String, String) {
        let experimentId = try h.createExperiment("art", artifactLocation: directory.path)
        let runId = try h.createRun(experimentId: experimentId)
        let root = "\(runId)/artifacts"
        try directory.write(root + "/model.txt", "hello")
        try directory.write(root + "/empty.txt", "")
        try directory.write(root + "/sub/inner.txt", "abc")
        return (runId, directory.path + "/" + root)
    }

    @Test func listsTheRootAndASubdirectory() throws {
        let h = try APIHarness()
        let directory = try TemporaryDirectory()
        let (runId, rootURI) = try runWithArtifacts(h, directory)
        let root = h.get("/mlflow/artifacts/list?run_id=\(runId)")
        #expect(root.status == 200)
        #expect(root.json == .object([
            ("root_uri", .string(rootURI)),
            ("files", .array([
                .object([("path", .string("empty.txt")), ("is_dir", .bool(false))]),
                .object([("path", .string("model.txt")), ("is_dir", .bool(false)), ("file_size", .integer(5))]),
                .object([("path", .string("sub")), ("is_dir", .bool(true))]),
            ])),
        ]))
        let sub = h.get("/mlflow/artifacts/list?run_id=\(runId)&path=sub")
        #expect(sub.json?["files"] == .array([
            .object([("path", .string("sub/inner.txt")), ("is_dir", .bool(false)), ("file_size", .integer(3))]),
        ]))
        // The path is normalised as MLflow's normpath does.
        for spelling in ["sub/", "./sub", "sub//", "sub/."] {
            #expect(h.get("/mlflow/artifacts/list?run_id=\(runId)&path=\(spelling)").text == sub.text, "\(spelling)")
        }
        #expect(h.get("/mlflow/artifacts/list?run_id=\(runId)&path=.").text == root.text)
        // run_uuid and an empty path read as the root.
        #expect(h.get("/mlflow/artifacts/list?run_uuid=\(runId)&path=").body == root.body)
        let missing = h.get("/mlflow/artifacts/list?run_id=\(runId)&path=nothing-here")
        #expect(missing.json == .object([("root_uri", .string(rootURI))]))
    }

    @Test(arguments: [
        "..", "../x", "/etc", "a/../../b",
        "%2e%2e/x",          // query-decoded once to ../x
        "%252e%252e%2Fx",    // the value itself is %2e%2e/x
        "%25252e%25252e%2Fx", // the value is %252e%252e/x: decoded until stable, as MLflow does
        "a%23b", "file:///etc",
    ])
    func refusesTraversal(encodedPath: String) throws {
        let h = try APIHarness()
        let directory = try TemporaryDirectory()
        let (runId, _) = try runWithArtifacts(h, directory)
        expectError(h.get("/mlflow/artifacts/list?run_id=\(runId)&path=\(encodedPath)"), 400,
                    "INVALID_PARAMETER_VALUE", "Invalid path")
    }

    @Test func unknownRunAndMissingRunId() throws {
        let h = try APIHarness()
        expectError(h.get("/mlflow/artifacts/list?run_id=nope"), 404, "RESOURCE_DOES_NOT_EXIST", "Run with id=nope not found")
        expectError(h.get("/mlflow/artifacts/list?path=x"), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'run_id'." + apiDocs)
    }

    @Test func aRunWithoutADirectoryListsNothing() throws {
        let h = try APIHarness()
        let runId = try h.createRun()
        let reply = h.get("/mlflow/artifacts/list?run_id=\(runId)")
        #expect(reply.json == .object([("root_uri", .string("/tmp/x/0/\(runId)/artifacts"))]))
    }
}
