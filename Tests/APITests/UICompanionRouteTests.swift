import JSON
import Testing
@testable import API

/// The reads MLflow's own UI makes beside the tracking API, answered as MLflow's server answers them.
@Suite("MLflow UI companion routes")
struct UICompanionRouteTests {
    /// The evaluation views ask for the UI telemetry settings; MLflow answers its fallback with
    /// telemetry disabled, and drops posted records the same way.
    @Test func uiTelemetryIsAnsweredAsDisabled() throws {
        let harness = try APIHarness()
        let settings = harness.get("/mlflow/ui-telemetry", prefix: "/ajax-api/3.0")
        #expect(settings.status == 200)
        #expect(settings.text == #"{"disable_ui_telemetry":true,"disable_ui_events":[],"ui_rollout_percentage":0}"#)
        let posted = harness.post("/mlflow/ui-telemetry", #"{"records":[{"event_name":"x"}]}"#, prefix: "/ajax-api/3.0")
        #expect(posted.status == 200)
        #expect(posted.json?["status"]?.stringValue == "disabled")
        // Only the UI's path: the client API has no such route.
        #expect(harness.get("/mlflow/ui-telemetry", prefix: "/api/3.0").status == 404)
    }
}
