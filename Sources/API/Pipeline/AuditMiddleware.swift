import Observability
import TrackingCore

/// The audit log (docs/AUDIT.md): when the log fails closed and cannot take records, nothing runs
/// (503, but `/metrics`, how an operator sees it failing); every answered request is submitted,
/// and one whose record could not be queued is answered 503 (it may have taken effect).
struct AuditMiddleware: APIMiddleware {
    let audit: APIAudit
    /// The experiment a trace belongs to, for records of routes that name a trace, not its experiment.
    var traceExperiment: @Sendable (String) -> String? = { _ in nil }
    /// The first experiment a dataset is linked to, for records of routes that name a dataset.
    var datasetExperiment: @Sendable (String) -> String? = { _ in nil }

    func respond(to exchange: inout APIExchange, next: (inout APIExchange) -> HTTPResponse) -> HTTPResponse {
        let gated = exchange.request.path != "/metrics"
        var response: HTTPResponse
        if gated, !audit.sink.admits() {
            response = MLflowError.auditUnavailable(carriedOut: false).response
        } else {
            response = next(&exchange)
        }
        let outcome = APIAudit.Outcome(template: exchange.template, caller: exchange.caller, response: response,
                                       authMethod: exchange.authMethod,
                                       resources: Self.resources(of: exchange, traceExperiment: traceExperiment,
                                                                        datasetExperiment: datasetExperiment))
        if audit.submit(exchange.request, outcome, requestId: exchange.requestId, elapsed: exchange.elapsed) == .refused,
           gated {
            response = MLflowError.auditUnavailable(carriedOut: true).response
        }
        return response
    }

    /// Bodies of requests refused before their route ran larger than this are not read for the record.
    static let maxParsedBodyBytes = 1 << 20

    /// The resources the route's access rule reads, from the route's own reading of the request; a
    /// request refused before its route ran (401, 403, 503) is read here the same way, bounded.
    static func resources(of exchange: APIExchange, traceExperiment: (String) -> String? = { _ in nil },
                          datasetExperiment: (String) -> String? = { _ in nil }) -> AuditResources {
        if case .artifactProxy? = exchange.destination {
            // The owning experiment as the access check found it (one, unless locations coincide).
            return exchange.artifactOwners.count == 1 ? AuditResources(experimentId: exchange.artifactOwners[0]) : AuditResources()
        }
        guard case .routed(.route(let route, let template))? = exchange.destination else { return AuditResources() }
        if let routed = exchange.routed {
            return AuditResources(rule: route.access, request: routed, events: routed.events.all,
                                  traceExperiment: traceExperiment, datasetExperiment: datasetExperiment)
        }
        guard exchange.request.bodyFile == nil, exchange.request.body.count <= maxParsedBodyBytes else {
            return AuditResources()
        }
        return AuditResources(rule: route.access, request: RouteRequest(exchange.request, template: template,
                                                                        fieldsFromQuery: route.fieldsFromQuery),
                              events: [], traceExperiment: traceExperiment, datasetExperiment: datasetExperiment)
    }
}
