import Auth
import Foundation
import HTTPTransport
import Observability
import Storage
import Synchronization
import Testing
import TrackingCore
@testable import API

/// A sink that keeps records in memory and admits requests while told to.
final class RecordingAuditSink: AuditSink {
    let records = Mutex<[AuditRecord]>([])
    let healthy = Atomic<Bool>(true)
    let failsClosed: Bool

    init(failsClosed: Bool = false) { self.failsClosed = failsClosed }

    func admits() -> Bool { !failsClosed || healthy.load(ordering: .relaxed) }

    func submit(_ record: AuditRecord) -> AuditSubmission {
        guard healthy.load(ordering: .relaxed) else { return failsClosed ? .refused : .dropped }
        records.withLock { $0.append(record) }
        return .queued
    }

    var all: [AuditRecord] { records.withLock { $0 } }
}

@Suite("Audit records from MLflowAPI")
struct AuditHookTests {
    private func api(_ sink: RecordingAuditSink, access: AccessControl? = nil,
                     store: SQLTrackingStore) -> MLflowAPI {
        MLflowAPI(APIParts(stores: APIStores(store), version: "test", access: access, audit: sink))
    }

    private func request(_ method: String, _ target: String, _ body: String = "",
                         headers: [(name: String, value: String)] = []) -> HTTPRequest {
        var request = HTTPRequest(method: method, target: target,
                                  headers: [(name: "Content-Type", value: "application/json")] + headers,
                                  body: Array(body.utf8))
        request.remoteAddress = "10.0.0.7"
        return request
    }

    /// Break-in review 3: trace routes recorded no resource, and `+02` was recorded as sent.
    @Test func traceRoutesRecordTheTracesExperimentInItsCanonicalSpelling() throws {
        let harness = try APIHarness()
        let sink = RecordingAuditSink()
        let api = api(sink, store: harness.store)
        let experiment = try harness.store.createExperiment(name: "traced", artifactLocation: nil, tags: [])
        _ = try harness.store.startTrace(TraceInfo(traceId: "tr-audited", experimentId: experiment, requestTime: 1, state: .ok))
        _ = api.handle(request("GET", "/api/3.0/mlflow/traces/tr-audited"))
        _ = api.handle(request("PATCH", "/api/3.0/mlflow/traces/tr-audited/tags", #"{"key":"k","value":"v"}"#))
        _ = api.handle(request("GET", "/api/3.0/mlflow/traces/get?trace_id=tr-audited"))
        _ = api.handle(request("GET", "/ajax-api/3.0/mlflow/get-trace-artifact?request_id=tr-audited"))
        _ = api.handle(request("POST", "/api/3.0/mlflow/traces/batchGetInfos", #"{"trace_ids":["tr-audited"]}"#))
        _ = api.handle(request("POST", "/api/2.0/mlflow/traces/delete-traces",
                               #"{"experiment_id":"+00\#(experiment)","request_ids":["nothing"]}"#))
        _ = api.handle(request("GET", "/api/3.0/mlflow/traces/tr-unknown"))
        let records = sink.all
        #expect(records.count == 7)
        #expect(records.prefix(6).map(\.resources.experimentId) == Array(repeating: experiment, count: 6))
        #expect(records[6].resources.experimentId == nil)
    }

    /// Every dataset write is recorded with an experiment: the first a create names (canonically),
    /// else the dataset's first (by id) once the request is answered.
    @Test func datasetRoutesRecordTheirExperiment() throws {
        let harness = try APIHarness()
        let sink = RecordingAuditSink()
        let api = api(sink, store: harness.store)
        let experiment = try harness.store.createExperiment(name: "datasets", artifactLocation: nil, tags: [])
        let created = api.handle(request("POST", "/api/3.0/mlflow/datasets/create",
                                         #"{"name":"d","experiment_ids":["00\#(experiment)"]}"#))
        #expect(created.status == 200)
        let datasetId = try #require(harness.store.searchDatasets(DatasetSearchQuery()).items.first?.datasetId)
        _ = api.handle(request("POST", "/api/3.0/mlflow/datasets/\(datasetId)/records",
                               #"{"records":"[{\"inputs\": {\"q\": 1}}]"}"#))
        _ = api.handle(request("PATCH", "/api/3.0/mlflow/datasets/\(datasetId)/tags", #"{"tags":"{\"k\": \"v\"}"}"#))
        _ = api.handle(request("DELETE", "/api/3.0/mlflow/datasets/\(datasetId)/tags/k"))
        _ = api.handle(request("POST", "/api/3.0/mlflow/datasets/\(datasetId)/add-experiments", #"{"experiment_ids":["0"]}"#))
        let records = sink.all
        #expect(records.map(\.status) == [200, 200, 200, 200, 200])
        #expect(records.map(\.route) == ["/api/3.0/mlflow/datasets/create", "/api/3.0/mlflow/datasets/{dataset_id}/records",
                                         "/api/3.0/mlflow/datasets/{dataset_id}/tags",
                                         "/api/3.0/mlflow/datasets/{dataset_id}/tags/{key}",
                                         "/api/3.0/mlflow/datasets/{dataset_id}/add-experiments"])
        // The dataset's experiments are read once the request is answered: after the link, "0" is its first.
        #expect(records.map(\.resources.experimentId) == Array(repeating: experiment, count: 4) + ["0"])
    }

    @Test func aRecordNamesRouteResourcesOutcomeAndRequestId() throws {
        let harness = try APIHarness()
        let sink = RecordingAuditSink()
        let api = api(sink, store: harness.store)
        let created = Reply(api.handle(request("POST", "/api/2.0/mlflow/experiments/create", #"{"name":"e"}"#,
                                               headers: [(name: "X-Request-Id", value: "client-id-7")])))
        #expect(created.header("X-Request-Id") == "client-id-7")
        let missing = Reply(api.handle(request("GET", "/api/2.0/mlflow/runs/get?run_id=abc&password=hunter2")))
        #expect(missing.status == 404)
        let generated = try #require(missing.header("X-Request-Id"))
        // A field the route does not read (`experiment_id` here) is not recorded.
        _ = api.handle(request("GET", "/api/2.0/mlflow/model-versions/get?name=m&version=3&experiment_id=5"))
        _ = api.handle(request("GET", "/api/2.0/mlflow/logged-models/m-42"))
        let records = sink.all
        #expect(records.count == 4)
        #expect(records[0].requestId == "client-id-7")
        #expect(records[0].route == "/api/2.0/mlflow/experiments/create")
        #expect((records[0].status, records[0].errorCode, records[0].user, records[0].authMethod) == (200, nil, nil, .none))
        #expect(records[0].clientAddress == "10.0.0.7")
        #expect(records[0].resources.experimentId == created.json?["experiment_id"]?.stringValue)
        #expect(records[0].resources.experimentId != nil)
        #expect(records[1].requestId == generated)
        #expect(records[1].resources == AuditResources(runId: "abc"))
        #expect((records[1].status, records[1].errorCode) == (404, "RESOURCE_DOES_NOT_EXIST"))
        #expect(records[2].resources == AuditResources(registeredModelName: "m", modelVersion: "3"))
        #expect(records[3].route == "/api/2.0/mlflow/logged-models/{model_id}")
        #expect(records[3].resources.loggedModelId == "m-42")
        #expect(!"\(records)".contains("hunter2"))
    }

    /// Scorer writes and reads record the experiment their rule checked, in its canonical spelling;
    /// a cross-experiment list names none.
    @Test func scorerRoutesRecordTheirExperiment() throws {
        let harness = try APIHarness()
        let sink = RecordingAuditSink()
        let api = api(sink, store: harness.store)
        let experiment = try harness.store.createExperiment(name: "scored", artifactLocation: nil, tags: [])
        let payload = #"{\"name\": \"g\", \"builtin_scorer_pydantic_data\": {\"guidelines\": [\"x\"]}}"#
        let registered = Reply(api.handle(request("POST", "/api/3.0/mlflow/scorers/register",
            #"{"experiment_id":"+0\#(experiment)","name":"g","serialized_scorer":"\#(payload)"}"#)))
        #expect(registered.status == 200, "\(registered.text)")
        _ = api.handle(request("PUT", "/api/3.0/mlflow/scorers/online-config",
                               #"{"experiment_id":"\#(experiment)","name":"g","sample_rate":0}"#))
        _ = api.handle(request("DELETE", "/api/3.0/mlflow/scorers/delete", #"{"experiment_id":"\#(experiment)","name":"g"}"#))
        _ = api.handle(request("GET", "/api/3.0/mlflow/scorers/list?experiment_id=\(experiment)"))
        _ = api.handle(request("GET", "/api/3.0/mlflow/scorers/list"))
        let records = sink.all
        #expect(records.map(\.status) == [200, 200, 200, 200, 200])
        #expect(records.map(\.resources.experimentId) == [experiment, experiment, experiment, experiment, nil])
        #expect(records.first?.route == "/api/3.0/mlflow/scorers/register")
    }

    /// A rule that reads a field by name records that field: a logged model's `source_run_id`, a
    /// model version's `run_id` and `model_id` (and not a `run_id` the rule never read).
    @Test func theRecordNamesTheFieldsTheRuleRead() throws {
        let harness = try APIHarness()
        let sink = RecordingAuditSink()
        let api = api(sink, store: harness.store)
        _ = api.handle(request("POST", "/api/2.0/mlflow/logged-models",
                               #"{"experiment_id":"0","source_run_id":"r-source","run_id":"r-ignored"}"#))
        _ = api.handle(request("POST", "/api/2.0/mlflow/model-versions/create",
                               #"{"name":"m","source":"s3://b/m","run_id":"r-version","model_id":"m-7"}"#))
        let records = sink.all
        #expect(records.count == 2)
        #expect(records.first?.resources.experimentId == "0")
        #expect(records.first?.resources.runId == "r-source")
        #expect(records.last?.resources.runId == "r-version")
        #expect(records.last?.resources.loggedModelId == "m-7")
        #expect(records.last?.resources.registeredModelName == "m")
    }

    @Test func requestIdsThatAreNotPrintableOrTooLongAreReplacedOrCut() {
        #expect(RequestID.resolve("  ok-1 ") == "ok-1")
        #expect(RequestID.resolve(String(repeating: "a", count: 300)).count == 128)
        #expect(RequestID.resolve("bad\u{1}id").count == 36)
        #expect(RequestID.resolve("") != "")
        #expect(RequestID.resolve(nil).count == 36)
    }

    @Test func theSignedInUserAndRolesAreRecordedAndPasswordsAreNot() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        let sink = RecordingAuditSink()
        let access = AccessControl(store: harness.auth, defaultPermission: .read, stores: APIStores(harness.store))
        let api = api(sink, access: access, store: harness.store)
        let token = Data("admin:\(AuthHarness.password("admin"))".utf8).base64EncodedString()
        let reply = Reply(api.handle(request("POST", "/api/2.0/mlflow/users/create",
                                             #"{"username":"u1","password":"very-secret-1"}"#,
                                             headers: [(name: "Authorization", value: "Basic \(token)")])))
        #expect(reply.status == 200)
        _ = api.handle(request("GET", "/api/2.0/mlflow/experiments/search"))
        let records = sink.all
        #expect((records[0].user, records[0].roles, records[0].authMethod) == ("admin", ["admin"], .basic))
        #expect((records[1].route, records[1].status, records[1].user) == ("unauthenticated", 401, nil))
        #expect(!"\(records)".contains("very-secret-1") && !"\(records)".contains(token))
    }

    /// Break-in review 2: a body over the limit was answered 413 outside the pipeline, with no record.
    @Test func theTransportsRefusalsAreRecordedUnderTheirCaller() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        let sink = RecordingAuditSink()
        let access = AccessControl(store: harness.auth, defaultPermission: .read, stores: APIStores(harness.store))
        let api = api(sink, access: access, store: harness.store)
        let token = Data("admin:\(AuthHarness.password("admin"))".utf8).base64EncodedString()
        let signedIn = request("POST", "/api/2.0/mlflow/experiments/create",
                               headers: [(name: "Authorization", value: "Basic \(token)"), (name: "X-Request-Id", value: "big-1")])
        let tooLarge = Reply(api.reject(.bodyTooLarge(limit: 5000), request: signedIn))
        expectError(tooLarge, 413, "INVALID_PARAMETER_VALUE", "Request body exceeds the limit of 5000 bytes.")
        _ = api.reject(.bodyTooLarge(limit: 5000), request: request("POST", "/api/2.0/mlflow/experiments/create"))
        let records = sink.all
        #expect(records.count == 2)
        #expect((records.first?.route, records.first?.status, records.first?.user, records.first?.requestId)
                == ("/api/2.0/mlflow/experiments/create", 413, "admin", "big-1"))
        #expect(records.first?.errorCode == "INVALID_PARAMETER_VALUE")
        #expect((records.last?.route, records.last?.status, records.last?.user) == ("unauthenticated", 401, nil))
    }

    @Test func failingClosedRefusesRequestsBeforeTheyRunButSparesMetrics() throws {
        let harness = try APIHarness()
        let sink = RecordingAuditSink(failsClosed: true)
        sink.healthy.store(false, ordering: .relaxed)
        let metrics = ServerMetrics(version: "t", mlflowVersion: "t")
        let api = MLflowAPI(APIParts(stores: APIStores(harness.store), version: "test",
                            observability: APIObservability(metrics: metrics, log: nil), audit: sink))
        let refused = Reply(api.handle(request("POST", "/api/2.0/mlflow/experiments/create", #"{"name":"never"}"#)))
        #expect(refused.status == 503)
        #expect(refused.errorCode == "TEMPORARILY_UNAVAILABLE")
        #expect(try harness.store.getExperimentByName("never") == nil)
        #expect(Reply(api.handle(request("GET", "/metrics"))).status == 200)
    }

    @Test func failingOpenAnswersAsUsual() throws {
        let harness = try APIHarness()
        let sink = RecordingAuditSink()
        sink.healthy.store(false, ordering: .relaxed)
        let api = api(sink, store: harness.store)
        #expect(Reply(api.handle(request("POST", "/api/2.0/mlflow/experiments/create", #"{"name":"e"}"#))).status == 200)
    }
}
