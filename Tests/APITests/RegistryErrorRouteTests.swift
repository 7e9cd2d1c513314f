import Testing
@testable import API

/// Registry error answers: status, code and MLflow's exact message.
@Suite("API: model registry errors")
struct RegistryErrorRouteTests {
    @Test func missingFieldsAndTypes() throws {
        let harness = try APIHarness()
        expectError(harness.post("/mlflow/registered-models/create", "{}"), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'name'." + apiDocs)
        expectError(harness.post("/mlflow/model-versions/create", #"{"name": "m"}"#), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'source'." + apiDocs)
        expectError(harness.get("/mlflow/model-versions/get?name=m"), 400, "INVALID_PARAMETER_VALUE",
                    "Missing value for required parameter 'version'." + apiDocs)
        expectError(harness.post("/mlflow/registered-models/alias", #"{"name": "m", "alias": "a", "version": 1}"#), 400,
                    "INVALID_PARAMETER_VALUE",
                    "Invalid value 1 for parameter 'version' supplied:  Hint: Value was of type 'int'." + apiDocs)
        expectError(harness.post("/mlflow/registered-models/create", #"{"name": "a/b"}"#), 400,
                    "INVALID_PARAMETER_VALUE", "Invalid model name 'a/b'. Names cannot contain '/' or ':'.")
    }

    @Test func notFoundAndConflicts() throws {
        let harness = try APIHarness()
        _ = harness.post("/mlflow/registered-models/create", #"{"name": "m"}"#)
        expectError(harness.post("/mlflow/registered-models/create", #"{"name": "m"}"#), 400, "RESOURCE_ALREADY_EXISTS",
                    "Registered Model (name=m) already exists.")
        expectError(harness.get("/mlflow/registered-models/get?name=zz"), 404, "RESOURCE_DOES_NOT_EXIST",
                    "Registered Model with name=zz not found")
        expectError(harness.get("/mlflow/model-versions/get?name=m&version=9"), 404, "RESOURCE_DOES_NOT_EXIST",
                    "Model Version (name=m, version=9) not found")
        expectError(harness.get("/mlflow/model-versions/get?name=m&version=x"), 400, "INVALID_PARAMETER_VALUE",
                    "Parameter 'version' must be an integer, got 'x'.")
        expectError(harness.get("/mlflow/registered-models/alias?name=m&alias=nope"), 400, "INVALID_PARAMETER_VALUE",
                    "Registered model alias nope not found.")
        expectError(harness.get("/mlflow/registered-models/alias?name=zz&alias=nope"), 404, "RESOURCE_DOES_NOT_EXIST",
                    "Registered Model with name=zz not found")
        expectError(harness.post("/mlflow/model-versions/create", #"{"name": "nope", "source": "s3://b/x"}"#), 404,
                    "RESOURCE_DOES_NOT_EXIST", "Registered Model with name=nope not found")
    }

    @Test func searchErrors() throws {
        let harness = try APIHarness()
        expectError(harness.get("/mlflow/registered-models/search?max_results=1001"), 400, "INVALID_PARAMETER_VALUE",
                    "Invalid value \"1001\" for parameter 'max_results' supplied:  Hint: Value was of type 'str'."
                        + apiDocs)
        expectError(harness.get("/mlflow/model-versions/search?max_results=0"), 400, "INVALID_PARAMETER_VALUE",
                    "Invalid value for max_results. It must be a positive integer, but got 0")
        expectError(harness.get("/mlflow/registered-models/search?filter=foo%3D%27x%27"), 400,
                    "INVALID_PARAMETER_VALUE", "Invalid attribute key 'foo' specified. Valid keys are '{'name'}'")
        expectError(harness.get("/mlflow/registered-models/search?order_by=bogus"), 400, "INVALID_PARAMETER_VALUE",
                    "Invalid order by key 'bogus' specified. Valid keys are '{'name', 'timestamp'}'")
    }

    @Test func stageErrors() throws {
        let harness = try APIHarness()
        _ = harness.post("/mlflow/registered-models/create", #"{"name": "m"}"#)
        _ = harness.post("/mlflow/model-versions/create", #"{"name": "m", "source": "s3://b/x"}"#)
        expectError(harness.post("/mlflow/model-versions/transition-stage",
                                 #"{"name": "m", "version": "1", "stage": "bogus"}"#), 400, "INVALID_PARAMETER_VALUE",
                    "Invalid Model Version stage: bogus. Value must be one of None, Staging, Production, Archived.")
        expectError(harness.post("/mlflow/model-versions/transition-stage",
                                 #"{"name": "m", "version": "1", "stage": "None", "archive_existing_versions": true}"#),
                    400, "INVALID_PARAMETER_VALUE", "Model version transition cannot archive existing model versions "
                        + "because 'None' is not an Active stage. Valid stages are ['Staging', 'Production']")
        expectError(harness.post("/mlflow/registered-models/alias", #"{"name": "m", "alias": "latest", "version": "1"}"#),
                    400, "INVALID_PARAMETER_VALUE", "'latest' alias name (case insensitive) is reserved.")
    }
}
