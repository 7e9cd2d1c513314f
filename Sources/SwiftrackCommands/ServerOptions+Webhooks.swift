import API
import TrackingCore
import Webhooks

/// `swiftrack server`'s registry webhook options: which target addresses deliveries may reach, and
/// how many attempts a delivery gets.
extension ServerOptions {
    struct WebhookOptions {
        var policy = WebhookAddressPolicy()
        var retry = WebhookRetryPolicy()
        var timeoutSeconds = 30
    }

    static let webhookFlags: Set<String> = ["webhook-allowed-schemes", "webhook-allowed-cidrs", "webhook-max-attempts", "webhook-timeout"]

    static let webhookHelp = """
          --webhook-allow-private-targets
                                       let webhooks reach loopback, private, link-local and other
                                       non-public addresses (tests, closed networks)
                                       env SWIFTRACK_WEBHOOK_ALLOW_PRIVATE_TARGETS=true (or MLflow's
                                       MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true)
          --webhook-allowed-cidrs LIST comma-separated address ranges accepted although not public
                                       (e.g. 10.20.0.0/16,fd00:1::/64)
                                       env SWIFTRACK_WEBHOOK_ALLOWED_CIDRS
          --webhook-allowed-schemes L  comma-separated URL schemes webhooks may use (default https;
                                       http,https to allow plain HTTP)
                                       env SWIFTRACK_WEBHOOK_ALLOWED_SCHEMES (or MLflow's
                                       MLFLOW_WEBHOOK_ALLOWED_SCHEMES)
          --webhook-max-attempts N     attempts per delivery on network errors, 429 and 5xx, waiting
                                       1 s, 2 s, 4 s... between them (default 4)
                                       env SWIFTRACK_WEBHOOK_MAX_ATTEMPTS
          --webhook-timeout S          seconds one attempt may take (default 30)
                                       env SWIFTRACK_WEBHOOK_TIMEOUT
        """

    static func webhookOptions(_ arguments: Arguments, environment: [String: String]) throws(UsageError) -> WebhookOptions {
        var options = WebhookOptions()
        let truthy: Set<String> = ["1", "true", "yes"]
        if arguments.has("webhook-allow-private-targets")
            || truthy.contains(environment["SWIFTRACK_WEBHOOK_ALLOW_PRIVATE_TARGETS"]?.lowercased() ?? "")
            || truthy.contains(environment["MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS"]?.lowercased() ?? "") {
            options.policy.allowPrivate = true
        }
        if let list = arguments.value("webhook-allowed-cidrs", environment: environment,
                                      variables: ["SWIFTRACK_WEBHOOK_ALLOWED_CIDRS"]) {
            for item in list.split(separator: ",") {
                let text = item.filter { !$0.isWhitespace }
                guard let range = CIDRRange(text) else {
                    throw UsageError("--webhook-allowed-cidrs: '\(text)' is not an address range like 10.0.0.0/8")
                }
                options.policy.allowed.append(range)
            }
        }
        if let list = arguments.value("webhook-allowed-schemes", environment: environment,
                                      variables: ["SWIFTRACK_WEBHOOK_ALLOWED_SCHEMES", "MLFLOW_WEBHOOK_ALLOWED_SCHEMES"]) {
            let schemes = list.split(separator: ",").map { $0.filter { !$0.isWhitespace }.lowercased() }.filter { !$0.isEmpty }
            guard !schemes.isEmpty, schemes.allSatisfy({ $0 == "http" || $0 == "https" }) else {
                throw UsageError("--webhook-allowed-schemes must list http and/or https, got '\(list)'")
            }
            options.policy.schemes = schemes
        }
        if let text = arguments.value("webhook-max-attempts", environment: environment,
                                      variables: ["SWIFTRACK_WEBHOOK_MAX_ATTEMPTS"]) {
            guard let number = Int(text), (1...20).contains(number) else {
                throw UsageError("--webhook-max-attempts must be an integer in 1...20, got '\(text)'")
            }
            options.retry = WebhookRetryPolicy(maxAttempts: number)
        }
        if let text = arguments.value("webhook-timeout", environment: environment, variables: ["SWIFTRACK_WEBHOOK_TIMEOUT"]) {
            guard let number = Int(text), (1...300).contains(number) else {
                throw UsageError("--webhook-timeout must be an integer in 1...300, got '\(text)'")
            }
            options.timeoutSeconds = number
        }
        return options
    }
}
