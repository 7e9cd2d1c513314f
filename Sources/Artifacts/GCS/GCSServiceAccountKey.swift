import Foundation
public import TrackingCore

/// The fields of a service-account JSON key file that the token exchange needs.
public struct GCSServiceAccountKey: Sendable, Equatable {
    public static let defaultTokenURI = "https://oauth2.googleapis.com/token"

    public var clientEmail: String
    public var privateKeyId: String?
    public var privateKeyPEM: String
    public var tokenURI: String

    public init(clientEmail: String, privateKeyId: String?, privateKeyPEM: String, tokenURI: String = Self.defaultTokenURI) {
        self.clientEmail = clientEmail
        self.privateKeyId = privateKeyId
        self.privateKeyPEM = privateKeyPEM
        self.tokenURI = tokenURI
    }

    /// Reads a key of `"type": "service_account"`; anything else (user credentials from
    /// `gcloud auth application-default login`, external accounts) is refused by name.
    public init(json bytes: [UInt8]) throws(MLflowError) {
        let file: KeyFile
        do {
            file = try JSONDecoder().decode(KeyFile.self, from: Data(bytes))
        } catch {
            throw .invalidParameter("The Google credentials file is not a JSON service-account key")
        }
        guard file.type == nil || file.type == "service_account" else {
            throw .invalidParameter("Google credentials of type '\(file.type ?? "")' are not supported: use a service-account key")
        }
        guard let email = file.client_email, !email.isEmpty, let pem = file.private_key, !pem.isEmpty else {
            throw .invalidParameter("The Google service-account key lacks client_email or private_key")
        }
        self.init(clientEmail: email, privateKeyId: file.private_key_id, privateKeyPEM: pem,
                  tokenURI: file.token_uri.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultTokenURI)
    }

    public init(contentsOfFile path: String) throws(MLflowError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidParameter("Cannot read the Google credentials file '\(path)'")
        }
        try self.init(json: Array(data))
    }

    // The file's own snake_case names, at the JSON boundary only.
    private struct KeyFile: Decodable {
        var type: String?
        var client_email: String?
        var private_key_id: String?
        var private_key: String?
        var token_uri: String?
    }
}

extension GCSServiceAccountKey: CustomStringConvertible {
    /// Never prints the private key.
    public var description: String { "GCSServiceAccountKey(\(clientEmail), key: ***)" }
}
