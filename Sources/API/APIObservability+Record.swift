import Foundation
import Observability

extension APIObservability {
    /// Counts the request in the series and writes its log line.
    func record(request: HTTPRequest, template: String, user: String?, response: HTTPResponse, requestId: String,
                seconds: Double) {
        let status = String(response.status)
        metrics.requests.increment(MetricLabels([("route", template), ("method", request.method), ("status", status)]))
        metrics.requestDuration.observe(seconds, MetricLabels([("route", template), ("method", request.method)]))
        if template.contains("mlflow-artifacts") || template.hasSuffix("get-artifact") {
            if let file = request.bodyFile, response.status < 300,
               let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.doubleValue {
                metrics.artifactBytes.increment(MetricLabels([("direction", "in")]), by: size)
            }
            if let file = response.file {
                metrics.artifactBytes.increment(MetricLabels([("direction", "out")]), by: Double(file.length))
            }
        }
        log?.record(RequestLog.Entry(
            time: Date(), method: request.method, route: template, path: request.path, status: response.status,
            durationSeconds: seconds, user: user, requestId: requestId, client: request.remoteAddress))
    }
}
