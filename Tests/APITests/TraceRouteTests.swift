import Auth
import JSON
import Testing
import TrackingCore
@testable import API

/// Trace routes take their experiment's permissions, read from what the handler acts on: the
/// trace named by the path, the experiment a new trace's body names, the experiments a search lists.
@Suite("Traces: routes and access")
struct TraceRouteTests {
    private static func startBody(_ traceId: String, experiment: String, time: String = "2023-11-14T22:13:20.123Z") -> String {
        #"{"trace":{"trace_info":{"trace_id":"\#(traceId)","trace_location":{"type":"MLFLOW_EXPERIMENT","#
            + #""mlflow_experiment":{"experiment_id":"\#(experiment)"}},"request_time":"\#(time)","#
            + #""execution_duration":"0.250s","state":"OK","request_preview":"{\"q\": 1}","#
            + #""trace_metadata":{"mlflow.user":"ann"},"tags":{"mlflow.traceName":"chat"}}}}"#
    }

    private func v3(_ harness: AuthHarness, _ method: String, _ path: String, _ body: String = "", as user: String) -> Reply {
        harness.send(method, "/api/3.0/mlflow" + path, body, as: user)
    }

    @Test func aTraceRoundTripsThroughTheVersion3Routes() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        let experiment = try harness.fixtures("t").experiment
        let started = v3(harness, "POST", "/traces", Self.startBody("tr-abc", experiment: experiment), as: "admin")
        #expect(started.status == 200, "\(started.text)")
        let info = try #require(started.json?["trace"]?["trace_info"])
        #expect(info["trace_id"]?.stringValue == "tr-abc")
        #expect(info["request_time"]?.stringValue == "2023-11-14T22:13:20.123Z")
        #expect(info["execution_duration"]?.stringValue == "0.250s")
        #expect(info["state"]?.stringValue == "OK")
        #expect(info["trace_location"]?["mlflow_experiment"]?["experiment_id"]?.stringValue == experiment)
        #expect(info["trace_metadata"]?["mlflow.user"]?.stringValue == "ann")
        #expect(info["tags"]?["mlflow.artifactLocation"]?.stringValue == "/tmp/x/\(experiment)/traces/tr-abc/artifacts")

        #expect(v3(harness, "GET", "/traces/tr-abc", as: "admin").json?["trace"]?["trace_info"] == info)
        #expect(v3(harness, "PATCH", "/traces/tr-abc/tags", #"{"key":"k","value":"v"}"#, as: "admin").status == 200)
        let search = v3(harness, "POST", "/traces/search",
                        #"{"locations":[{"mlflow_experiment":{"experiment_id":"\#(experiment)"}}],"filter":"tags.k = 'v'"}"#,
                        as: "admin")
        #expect(search.json?["traces"]?.arrayValue?.map { $0["trace_id"]?.stringValue } == ["tr-abc"])
        #expect(v3(harness, "DELETE", "/traces/tr-abc/tags", #"{"key":"k"}"#, as: "admin").status == 200)
        let deleted = v3(harness, "POST", "/traces/delete-traces",
                         #"{"experiment_id":"\#(experiment)","request_ids":["tr-abc"]}"#, as: "admin")
        #expect(deleted.json?["traces_deleted"]?.intValue == 1)
        let gone = v3(harness, "GET", "/traces/tr-abc", as: "admin")
        #expect(gone.status == 404)
        #expect(gone.errorCode == "RESOURCE_DOES_NOT_EXIST")
    }

    @Test func badStartBodiesAreRefused() throws {
        let harness = try AuthHarness(defaultPermission: .read)
        let experiment = try harness.fixtures("t").experiment
        for (body, fragment) in [(#"{}"#, "trace"),
                                 (Self.startBody("tr-1", experiment: experiment, time: "yesterday"), "request_time"),
                                 (Self.startBody("", experiment: experiment), "trace_id"),
                                 (Self.startBody("tr-1", experiment: ""), "experiment"),
                                 (Self.startBody(String(repeating: "x", count: 51), experiment: experiment), "trace_id"),
                                 (Self.startBody("../../0/x", experiment: experiment), "trace_id"),
                                 (Self.startBody("..", experiment: experiment), "trace_id"),
                                 (Self.startBody("tr%2F..", experiment: experiment), "trace_id"),
                                 (Self.startBody("tr-\\u0000", experiment: experiment), "trace_id"),
                                 (Self.startBody("tr-é", experiment: experiment), "trace_id")] {
            let reply = v3(harness, "POST", "/traces", body, as: "admin")
            #expect(reply.status == 400, "\(body): \(reply.text)")
            #expect(reply.message?.contains(fragment) == true, "\(reply.text)")
        }
    }

    /// Mallory may read nothing of the admin's; she tries every trace route on the admin's trace.
    @Test func anOutsiderReachesNoTraceOfAnExperimentSheMayNotRead() throws {
        let harness = try AuthHarness(defaultPermission: .noPermissions)
        try harness.addUser("mallory")
        let experiment = try harness.fixtures("t").experiment
        #expect(v3(harness, "POST", "/traces", Self.startBody("tr-secret", experiment: experiment), as: "admin").status == 200)
        let own = try #require(harness.api("POST", "/mlflow/experiments/create", #"{"name":"mine"}"#, as: "mallory")
            .json?["experiment_id"]?.stringValue)

        for (method, path, body) in [("GET", "/traces/tr-secret", ""),
                                     ("PATCH", "/traces/tr-secret/tags", #"{"key":"k","value":"v"}"#),
                                     ("DELETE", "/traces/tr-secret/tags", #"{"key":"mlflow.traceName"}"#),
                                     ("POST", "/traces/batchGetInfos", #"{"trace_ids":["tr-secret"]}"#),
                                     ("POST", "/traces/delete-traces", #"{"experiment_id":"\#(experiment)","request_ids":["tr-secret"]}"#),
                                     ("POST", "/traces", Self.startBody("tr-planted", experiment: experiment))] {
            let reply = v3(harness, method, path, body, as: "mallory")
            #expect(reply.status == 403, "\(method) \(path): \(reply.text)")
        }
        // The UI's read of the trace's spans, by the query's trace id.
        for target in ["/ajax-api/2.0/mlflow/get-trace-artifact?request_id=tr-secret",
                       "/ajax-api/3.0/mlflow/get-trace-artifact?request_id=tr-secret&path=a.png",
                       "/ajax-api/2.0/mlflow/get-trace-artifact?request_id=tr-nothing"] {
            let reply = harness.send("GET", target, as: "mallory")
            #expect(reply.status == 403, "\(target): \(reply.text)")
        }
        // Assessments act on the path's trace: hidden from her as the trace is.
        let assessed = v3(harness, "POST", "/traces/tr-secret/assessments",
                          #"{"assessment":{"assessment_name":"q","source":{"source_type":"HUMAN"},"feedback":{"value":1}}}"#,
                          as: "admin")
        let assessmentId = try #require(assessed.json?["assessment"]?["assessment_id"]?.stringValue)
        for (method, path, body) in [("POST", "/traces/tr-secret/assessments",
                                      #"{"assessment":{"assessment_name":"q","source":{"source_type":"HUMAN"},"feedback":{"value":0}}}"#),
                                     ("GET", "/traces/tr-secret/assessments/\(assessmentId)", ""),
                                     ("PATCH", "/traces/tr-secret/assessments/\(assessmentId)",
                                      #"{"assessment":{"rationale":"mine"},"update_mask":"rationale"}"#),
                                     ("DELETE", "/traces/tr-secret/assessments/\(assessmentId)", "")] {
            let reply = v3(harness, method, path, body, as: "mallory")
            #expect(reply.status == 403, "\(method) \(path): \(reply.text)")
        }
        // Her own trace in the path and the admin's in the body: the body may only repeat the path.
        #expect(v3(harness, "POST", "/traces", Self.startBody("tr-hers", experiment: own), as: "mallory").status == 200)
        let crossed = v3(harness, "POST", "/traces/tr-hers/assessments",
                         #"{"assessment":{"trace_id":"tr-secret","assessment_name":"q","source":{"source_type":"HUMAN"},"feedback":{"value":0}}}"#,
                         as: "mallory")
        #expect(crossed.status == 400, "\(crossed.text)")
        let kept = v3(harness, "GET", "/traces/tr-secret/assessments/\(assessmentId)", as: "admin").json?["assessment"]
        #expect(kept?["feedback"]?["value"]?.intValue == 1)
        #expect(kept?["rationale"] == nil)
        #expect(v3(harness, "GET", "/traces/tr-secret", as: "admin").json?["trace"]?["trace_info"]?["assessments"]?
            .arrayValue?.count == 1)
        // An unknown trace gets the same answer as a hidden one.
        let unknown = v3(harness, "GET", "/traces/tr-nothing", as: "mallory")
        let hidden = v3(harness, "GET", "/traces/tr-secret", as: "mallory")
        #expect(unknown.status == 403)
        #expect(unknown.message?.replacingOccurrences(of: "tr-nothing", with: "X")
                == hidden.message?.replacingOccurrences(of: "tr-secret", with: "X"))
        // Her own experiment's id in the body, the admin's trace in her list: deleting by ids acts on
        // her experiment only, so the admin's trace stays.
        let sneaky = v3(harness, "POST", "/traces/delete-traces", #"{"experiment_id":"\#(own)","request_ids":["tr-secret"]}"#,
                        as: "mallory")
        #expect(sneaky.json?["traces_deleted"]?.intValue == 0, "\(sneaky.text)")
        // Searching the admin's experiment answers nothing; the trace and its tags are untouched.
        let search = v3(harness, "POST", "/traces/search",
                        #"{"locations":[{"mlflow_experiment":{"experiment_id":"\#(experiment)"}}]}"#, as: "mallory")
        #expect(search.status == 200)
        #expect(search.json?["traces"] == nil, "\(search.text)")
        let keptTrace = v3(harness, "GET", "/traces/tr-secret", as: "admin").json?["trace"]?["trace_info"]
        #expect(keptTrace?["tags"]?["mlflow.traceName"]?.stringValue == "chat")
        #expect(keptTrace?["tags"]?["k"] == nil)
        #expect(v3(harness, "GET", "/traces/tr-planted", as: "admin").status == 404)
        // With READ granted she reads it, but still may not change it.
        try harness.auth.createGrant(username: "mallory", .experiment, experiment, .read)
        #expect(v3(harness, "GET", "/traces/tr-secret", as: "mallory").status == 200)
        #expect(v3(harness, "PATCH", "/traces/tr-secret/tags", #"{"key":"k","value":"v"}"#, as: "mallory").status == 403)
    }
}
