import SQL
public import TrackingCore

/// Sealed versions (docs/REGISTRY.md, "Sealed versions"): the seal is hashed off the request path
/// by a sealing job (`+Sealing.swift`), which stores it only if the version still has the source
/// that was hashed; a move into a protected stage or alias is made once the version is sealed.
extension SQLRegistryStore {
    public func modelVersionSeal(name: String, version: String) throws -> ModelVersionSeal? {
        let number = try Self.checkedKey(name, version)
        return try database.read { connection in
            try Self.loadSeals(connection, "WHERE name = ? AND version = ?", [.text(name), .integer(number)]).first
        }
    }

    public func modelVersionSeals(name: String) throws -> [ModelVersionSeal] {
        try Validation.validateModelName(name)
        return try database.read { connection in
            try Self.requireModel(connection, name, lock: false)
            return try Self.loadSeals(connection, "WHERE name = ? ORDER BY version", [.text(name)])
        }
    }

    public func sealedLocations() throws -> [SealedLocation] {
        try database.read { connection in
            let sealed = try connection.query("SELECT name, version, location FROM model_version_seals ORDER BY name, version",
                                              []) {
                SealedLocation(name: $0.string(0), version: String($0.int64(1)), location: $0.string(2))
            }
            let sealing = try connection.query(
                "SELECT name, version, location FROM model_version_sealings WHERE error_code IS NULL ORDER BY name, version",
                []) { SealedLocation(name: $0.string(0), version: String($0.int64(1)), location: $0.string(2), beingSealed: true) }
            return sealed + sealing
        }
    }

    /// Removes the seal and its tags, or cancels the job sealing the version (nil is answered); a
    /// version neither sealed nor being sealed is INVALID_STATE. `approve` judges the removal of a
    /// seal on the version as this write found it (its creator, stage and aliases, under its
    /// model's lock) and may refuse it.
    public func unsealModelVersion(name: String, version: String,
                                   approve: (ModelVersion) throws -> Void) throws -> ModelVersionSeal? {
        let number = try Self.checkedKey(name, version)
        return try database.write { connection in
            try Self.requireVersion(connection, name, number)
            let job = try Self.loadSealing(connection, name, number)
            if let job {
                if job.failure == nil {
                    // Cancelled as a failure, told to the next mover (as 400, which the mlflow client
                    // does not repeat): a repeat of the waiting move must not simply start again.
                    try Self.markSealingFailed(connection, name, number, job.token, Self.cancelled, now: currentTimeMillis())
                } else {
                    try Self.removeSealing(connection, name, number)
                }
            }
            guard let seal = try Self.loadSeals(connection, "WHERE name = ? AND version = ?",
                                                [.text(name), .integer(number)]).first else {
                if job != nil { return nil }
                throw MLflowError(.invalidState, "Version \(number) of registered model '\(name)' is not sealed.")
            }
            try approve(try Self.loadVersion(connection, name, number))
            try connection.execute("DELETE FROM model_version_seals WHERE name = ? AND version = ?",
                                   [.text(name), .integer(number)])
            for tag in seal.tags {
                try connection.execute("DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?",
                                       [.text(name), .integer(number), .text(tag.key)])
            }
            return seal
        }
    }

    /// Inside a move's write, after its approval: what `requirement` asks of the version's seal.
    static func applySeal(_ connection: any SQLConnection, _ requirement: SealRequirement, _ name: String,
                          _ number: Int64) throws {
        guard requirement == .existing, try !isSealed(connection, name, number) else { return }
        throw MLflowError(.invalidState, "Version \(number) of registered model '\(name)' was unsealed while it "
                          + "was being moved; nothing was changed: try again.")
    }

    /// Stores `seal` for version `number`, if the version still has the source hashed (a rename or a
    /// changed source refuses it); a version sealed meanwhile keeps its first seal.
    static func insertSeal(_ connection: any SQLConnection, _ seal: ModelVersionSeal, _ number: Int64) throws {
        let key: [SQLValue] = [.text(seal.name), .integer(number)]
        let downloadURI = try connection.queryFirst(
            "SELECT storage_location, source FROM model_versions WHERE name = ? AND version = ?", key) { row -> String in
                let stored = row.optionalString(0) ?? ""
                return stored.isEmpty ? row.string(1) : stored
            }
        guard seal.version == String(number), let downloadURI, PathSegments.same(downloadURI, seal.source) else {
            throw MLflowError(.invalidState, "Version \(number) of registered model '\(seal.name)' changed while it was "
                              + "being sealed; nothing was changed: try again.")
        }
        if try isSealed(connection, seal.name, number) { return }
        try connection.execute(
            """
            INSERT INTO model_version_seals (name, version, source, location, digest, manifest, file_count,
                                             total_bytes, sealed_time, approver)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            key + [.text(seal.source), .text(seal.location), .text(seal.digest), .text(seal.manifest.canonicalText),
                   .integer(Int64(seal.manifest.files.count)), .integer(seal.manifest.totalBytes),
                   .integer(seal.sealedTime), seal.approver.map(SQLValue.text) ?? .null])
        for tag in seal.tags { try upsertVersionTag(connection, seal.name, number, tag) }
    }

    static func isSealed(_ connection: any SQLConnection, _ name: String, _ number: Int64) throws -> Bool {
        try connection.queryFirst("SELECT 1 FROM model_version_seals WHERE name = ? AND version = ?",
                                  [.text(name), .integer(number)]) { _ in true } ?? false
    }

    /// A sealed version, or one being sealed, is neither deleted nor deleted with its model, and its
    /// model is not renamed: unsealing (or the job's end) comes first. So what a seal protects stays
    /// pointed to (and `swiftrack gc` keeps it), and the version a governance holder asked to promote
    /// keeps its name and number while the mlflow client repeats the request waiting for the seal
    /// (a rename and a new model of the old name would otherwise put another "version 1" there).
    static func refuseChangingSealed(_ connection: any SQLConnection, _ name: String, version: Int64? = nil,
                                     renaming: Bool = false) throws {
        var condition = "name = ?"
        var bindings: [SQLValue] = [.text(name)]
        if let version {
            condition += " AND version = ?"
            bindings.append(.integer(version))
        }
        let consequence = renaming ? ", so the model cannot be renamed" : " and cannot be deleted"
        if let sealed = try connection.queryFirst("SELECT version FROM model_version_seals WHERE \(condition) ORDER BY version",
                                                  bindings, { $0.int64(0) }) {
            throw MLflowError(.invalidState, "Version \(sealed) of registered model '\(name)' is sealed\(consequence); a "
                              + "holder of the governance role must unseal it first.")
        }
        if let sealing = try connection.queryFirst(
            "SELECT version FROM model_version_sealings WHERE \(condition) ORDER BY version", bindings, { $0.int64(0) }) {
            throw MLflowError(.invalidState, "Version \(sealing) of registered model '\(name)' is being sealed\(consequence) "
                              + "until the seal is made or a holder of the governance role cancels it.")
        }
    }

    private static func loadSeals(_ connection: any SQLConnection, _ condition: String,
                                  _ bindings: [SQLValue]) throws -> [ModelVersionSeal] {
        try connection.query(
            "SELECT name, version, source, location, digest, manifest, sealed_time, approver FROM model_version_seals "
                + condition, bindings) { row in
                ModelVersionSeal(name: row.string(0), version: String(row.int64(1)), source: row.string(2),
                                 location: row.string(3), manifest: try SealManifest(parsing: row.string(5)),
                                 digest: row.string(4), sealedTime: row.int64(6), approver: row.optionalString(7))
            }
    }
}
