import HTTPTransport
import JSON
import Storage
import TrackingCore

/// Feedback and expectations on a trace (`/api/3.0/mlflow/traces/{trace_id}/assessments...`), as
/// `mlflow/server/handlers.py` serves them. Each acts on the trace named by the path, whose
/// experiment's permissions apply (the body's `trace_id` may only repeat it).
struct AssessmentRoutes {
    let store: any AssessmentStore

    /// The routes under `/api/3.0` and `/ajax-api/3.0`.
    var version3: [Route] {
        [
            Route("POST", "/mlflow/traces/{trace_id}/assessments", access: .trace(.update), create),
            Route("GET", "/mlflow/traces/{trace_id}/assessments/{assessment_id}", access: .trace(.read), get),
            Route("PATCH", "/mlflow/traces/{trace_id}/assessments/{assessment_id}", access: .trace(.update), update),
            Route("DELETE", "/mlflow/traces/{trace_id}/assessments/{assessment_id}", access: .trace(.delete), delete),
        ]
    }

    func create(_ request: RouteRequest) throws -> HTTPResponse {
        let traceId = try request.parameters.required("trace_id")
        let created = try store.createAssessment(try request.fields().newAssessment(traceId: traceId))
        return jsonResponse(.object([("assessment", created.json)]))
    }

    func get(_ request: RouteRequest) throws -> HTTPResponse {
        let assessment = try store.getAssessment(traceId: try request.parameters.required("trace_id"),
                                                 assessmentId: try request.parameters.required("assessment_id"))
        return jsonResponse(.object([("assessment", assessment.json)]))
    }

    func update(_ request: RouteRequest) throws -> HTTPResponse {
        let updated = try store.updateAssessment(traceId: try request.parameters.required("trace_id"),
                                                 assessmentId: try request.parameters.required("assessment_id"),
                                                 try request.fields().assessmentUpdate())
        return jsonResponse(.object([("assessment", updated.json)]))
    }

    func delete(_ request: RouteRequest) throws -> HTTPResponse {
        try store.deleteAssessment(traceId: try request.parameters.required("trace_id"),
                                   assessmentId: try request.parameters.required("assessment_id"))
        return emptyJSONResponse
    }
}
