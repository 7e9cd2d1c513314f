import SQL
public import TrackingCore

extension SQLRegistryStore: TransitionRequestStore {
    public func createTransitionRequest(name: String, version: String, target: TransitionRequest.Target,
                                        archiveExistingVersions: Bool, comment: String?,
                                        userId: String?) throws -> TransitionRequest {
        let number = try Self.checkedKey(name, version)
        try Self.validate(target, archiveExistingVersions: archiveExistingVersions)
        try TransitionRequest.validateComment(comment)
        let now = currentTimeMillis()
        return try database.write { connection in
            try Self.requireVersion(connection, name, number)   // locks the model: one pending request per move
            let (kind, value) = Self.columns(target)
            if let pending = try connection.queryFirst(
                """
                SELECT request_id FROM transition_requests
                WHERE name = ? AND version = ? AND target_kind = ? AND target = ? AND status = ?
                """, [.text(name), .integer(number), .text(kind), .text(value), .text(TransitionRequest.Status.pending.rawValue)],
                { $0.int64(0) }) {
                throw MLflowError.alreadyExists("Transition request \(pending) already asks for version \(number) of "
                    + "registered model '\(name)' to move to \(target.description).")
            }
            let id = try connection.insertReturningKey(
                """
                INSERT INTO transition_requests (name, version, target_kind, target, archive_existing_versions, status,
                    requested_by, comment, creation_time)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(name), .integer(number), .text(kind), .text(value), .integer(archiveExistingVersions ? 1 : 0),
                 .text(TransitionRequest.Status.pending.rawValue), userId.map(SQLValue.text) ?? .null,
                 comment.map(SQLValue.text) ?? .null, .integer(now)], keyColumn: "request_id")
            return TransitionRequest(id: id, name: name, version: String(number), target: target,
                                     archiveExistingVersions: archiveExistingVersions, requestedBy: userId,
                                     comment: comment, creationTimestamp: now)
        }
    }

    public func transitionRequest(id: Int64) throws -> TransitionRequest {
        try database.read { connection in try Self.requireRequest(connection, id) }
    }

    public func transitionRequests(_ query: TransitionRequestQuery) throws -> [TransitionRequest] {
        try Validation.validateModelName(query.name)
        var sql = "SELECT \(Self.requestColumns) FROM transition_requests WHERE name = ?"
        var bindings: [SQLValue] = [.text(query.name)]
        if let version = query.version {
            sql += " AND version = ?"
            bindings.append(.integer(try Validation.modelVersionNumber(version)))
        }
        if let status = query.status {
            sql += " AND status = ?"
            bindings.append(.text(status.rawValue))
        }
        return try database.read { connection in
            try Self.requireModel(connection, query.name, lock: false)
            return try connection.query(sql + " ORDER BY request_id", bindings, Self.requestRow)
        }
    }

    public func approveTransitionRequest(id: Int64, archiveExistingVersions: Bool?, comment: String?, userId: String?,
                                         approve: (RegistryMove) throws -> Void,
                                         sealing: SealRequirement) throws -> (request: TransitionRequest, version: ModelVersion) {
        try TransitionRequest.validateComment(comment)
        let now = currentTimeMillis()
        return try database.write { connection in
            var request = try Self.pendingRequest(connection, id)
            let archive = archiveExistingVersions ?? request.archiveExistingVersions
            try Self.validate(request.target, archiveExistingVersions: archive)
            let number = Int64(request.version) ?? 0
            try approve(RegistryMove(name: request.name, version: request.version, target: request.target,
                                     creator: try Self.lockedVersionCreator(connection, request.name, number),
                                     requestId: request.id, requestedBy: request.requestedBy))
            try Self.applySeal(connection, sealing, request.name, number)
            switch request.target {
            case .stage(let stage):
                try Self.moveStage(connection, request.name, number, stage, archiveExistingVersions: archive,
                                   userId: userId, now: now)
            case .alias(let alias):
                try Self.moveAlias(connection, request.name, alias, number, userId: userId, now: now)
            }
            request.archiveExistingVersions = archive
            try Self.resolve(connection, &request, .approved, comment: comment, userId: userId, now: now)
            return (request, try Self.loadVersion(connection, request.name, number))
        }
    }

    public func closeTransitionRequest(id: Int64, as status: TransitionRequest.Status, comment: String?,
                                       userId: String?) throws -> TransitionRequest {
        guard status == .rejected || status == .cancelled else {
            throw MLflowError.internalError("A transition request is closed as rejected or cancelled, not \(status.rawValue).")
        }
        try TransitionRequest.validateComment(comment)
        let now = currentTimeMillis()
        return try database.write { connection in
            var request = try Self.pendingRequest(connection, id)
            try Self.resolve(connection, &request, status, comment: comment, userId: userId, now: now)
            return request
        }
    }

    /// A deleted version's pending requests end cancelled (kept, so the record of who asked stays).
    static func cancelPendingRequests(_ connection: any SQLConnection, _ name: String, _ version: Int64,
                                      userId: String?, now: Int64) throws {
        try connection.execute(
            """
            UPDATE transition_requests SET status = ?, resolved_by = ?, resolution_comment = ?, resolution_time = ?
            WHERE name = ? AND version = ? AND status = ?
            """,
            [.text(TransitionRequest.Status.cancelled.rawValue), userId.map(SQLValue.text) ?? .null,
             .text("The model version was deleted."), .integer(now), .text(name), .integer(version),
             .text(TransitionRequest.Status.pending.rawValue)])
    }

    // MARK: Rows and checks

    private static let requestColumns = """
        request_id, name, version, target_kind, target, archive_existing_versions, status, requested_by, comment,
        creation_time, resolved_by, resolution_comment, resolution_time
        """

    private static func requestRow(_ row: any SQLRow) -> TransitionRequest {
        let value = row.string(4)
        let target: TransitionRequest.Target = row.string(3) == "alias"
            ? .alias(value) : .stage(ModelStage(rawValue: value) ?? .none)
        return TransitionRequest(
            id: row.int64(0), name: row.string(1), version: String(row.int64(2)), target: target,
            archiveExistingVersions: row.int64(5) != 0,
            status: TransitionRequest.Status(rawValue: row.string(6)) ?? .pending,
            requestedBy: row.optionalString(7), comment: row.optionalString(8), creationTimestamp: row.int64(9),
            resolvedBy: row.optionalString(10), resolutionComment: row.optionalString(11),
            resolutionTimestamp: row.optionalInt64(12))
    }

    private static func columns(_ target: TransitionRequest.Target) -> (kind: String, value: String) {
        switch target {
        case .stage(let stage): return ("stage", stage.rawValue)
        case .alias(let alias): return ("alias", alias)
        }
    }

    /// MLflow's own checks of the move the request asks for, so a request that cannot be carried
    /// out is refused when made, not when approved.
    private static func validate(_ target: TransitionRequest.Target, archiveExistingVersions: Bool) throws {
        switch target {
        case .stage(let stage):
            if archiveExistingVersions && !ModelStage.active.contains(stage) {
                throw MLflowError.invalidParameter(
                    "Model version transition cannot archive existing model versions because '\(stage.rawValue)' is "
                        + "not an Active stage. Valid stages are ['Staging', 'Production']")
            }
        case .alias(let alias):
            try Validation.validateAliasName(alias)
            try Validation.validateAliasNameNotReserved(alias)
            if archiveExistingVersions {
                throw MLflowError.invalidParameter("'archive_existing_versions' applies to stage transitions, not to aliases.")
            }
        }
    }

    static func requireRequest(_ connection: any SQLConnection, _ id: Int64) throws -> TransitionRequest {
        guard let request = try connection.queryFirst(
            "SELECT \(requestColumns) FROM transition_requests WHERE request_id = ?", [.integer(id)], requestRow) else {
            throw MLflowError.notFound("Transition request with id=\(id) not found")
        }
        return request
    }

    /// The request, which must still be pending; its model's row is locked first (PostgreSQL,
    /// MySQL), so two reviewers deciding at once queue and the second finds it decided.
    private static func pendingRequest(_ connection: any SQLConnection, _ id: Int64) throws -> TransitionRequest {
        try requireModel(connection, try requireRequest(connection, id).name)
        let current = try requireRequest(connection, id)
        guard current.status == .pending else {
            throw MLflowError(.invalidState, "Transition request \(id) was already \(current.status.rawValue.lowercased())"
                + (current.resolvedBy.map { " by \($0)" } ?? "") + "; only a pending request can be decided.")
        }
        return current
    }

    private static func resolve(_ connection: any SQLConnection, _ request: inout TransitionRequest,
                                _ status: TransitionRequest.Status, comment: String?, userId: String?,
                                now: Int64) throws {
        try connection.execute(
            """
            UPDATE transition_requests SET status = ?, archive_existing_versions = ?, resolved_by = ?,
                resolution_comment = ?, resolution_time = ?
            WHERE request_id = ?
            """,
            [.text(status.rawValue), .integer(request.archiveExistingVersions ? 1 : 0),
             userId.map(SQLValue.text) ?? .null, comment.map(SQLValue.text) ?? .null, .integer(now),
             .integer(request.id)])
        request.status = status
        request.resolvedBy = userId
        request.resolutionComment = comment
        request.resolutionTimestamp = now
    }
}
