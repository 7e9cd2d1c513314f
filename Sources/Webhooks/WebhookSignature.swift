import Crypto

/// MLflow's webhook signing (mlflow/webhooks/delivery.py, after Standard Webhooks): the header
/// `X-MLflow-Signature: v1,<base64 HMAC-SHA256 of "{delivery_id}.{timestamp}.{payload}" under the secret>`.
public enum WebhookSignature {
    public static let signatureHeader = "X-MLflow-Signature"
    public static let timestampHeader = "X-MLflow-Timestamp"
    public static let deliveryIdHeader = "X-MLflow-Delivery-Id"

    public static func sign(secret: String, deliveryId: String, timestamp: String, payload: String) -> String {
        let code = HMACSHA256.authenticationCode(key: Array(secret.utf8), message: "\(deliveryId).\(timestamp).\(payload)")
        return "v1," + Base64.encode(code)
    }

    /// The headers of one delivery: content type, delivery id, Unix timestamp, and the signature when there is a secret.
    public static func headers(secret: String?, deliveryId: String, timestamp: String, payload: String) -> [(String, String)] {
        var headers = [("Content-Type", "application/json"), (deliveryIdHeader, deliveryId), (timestampHeader, timestamp)]
        if let secret, !secret.isEmpty {
            headers.append((signatureHeader, sign(secret: secret, deliveryId: deliveryId, timestamp: timestamp, payload: payload)))
        }
        return headers
    }
}
