import Foundation

/// The INI file `~/.aws/credentials`: `[profile]` sections of `key = value` lines.
enum AWSSharedCredentialsFile {
    /// The credentials of `profile` in the file's text, or nil when the profile lacks a key pair.
    static func credentials(inText text: String, profile: String) -> AWSCredentials? {
        var section: String?
        var values: [String: String] = [:]
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                var name = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                // The config-file spelling `[profile name]` is accepted too.
                if name.hasPrefix("profile ") { name = String(name.dropFirst("profile ".count)).trimmingCharacters(in: .whitespaces) }
                section = name
                continue
            }
            guard section == profile, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            values[key] = value
        }
        guard let id = values["aws_access_key_id"], !id.isEmpty,
              let secret = values["aws_secret_access_key"], !secret.isEmpty else { return nil }
        let token = values["aws_session_token"] ?? values["aws_security_token"]
        return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: token?.isEmpty == false ? token : nil)
    }

    static func credentials(atPath path: String, profile: String) -> AWSCredentials? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return credentials(inText: String(decoding: data, as: UTF8.self), profile: profile)
    }
}
