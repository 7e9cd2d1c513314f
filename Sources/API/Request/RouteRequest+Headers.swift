import TrackingCore

extension RouteRequest {
    /// The experiment id a header carries (OTLP's `x-mlflow-experiment-id`), read by the route's
    /// access rule and its handler alike: missing or empty is a 400 naming the header.
    func experimentId(header name: String) throws(MLflowError) -> String {
        guard let value = header(name).map({ $0[...].trimmingWhitespace() }), !value.isEmpty else {
            throw .invalidParameter("Missing required header '\(name)': the id of the experiment the spans belong to.")
        }
        return value
    }
}
