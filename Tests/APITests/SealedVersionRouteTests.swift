import Artifacts
import Auth
import Foundation
import HTTPTransport
import JSON
import Observability
import SQLiteEngine
import Storage
import Synchronization
import Testing
import TrackingCore
@testable import API

/// Access control on, artifacts proxied into a local destination, and the series on `/metrics`:
/// what sealing a promoted version needs.
private final class SealHarness: @unchecked Sendable {
    let directory: TemporaryDirectory
    let destination: String
    let staging: String
    let store: SQLTrackingStore
    let auth: AuthStore
    let metrics = ServerMetrics(version: "test", mlflowVersion: "3.17.2")
    let audit = RecordingAuditSink()
    let api: MLflowAPI

    init(defaultPermission: Permission = .read, sealWait: Duration = .seconds(20),
         sealedCopyBytes: Int64 = APIParts.defaultSealedCopyBytes) throws {
        directory = try TemporaryDirectory()
        destination = directory.path + "/artifacts"
        staging = directory.path + "/staging"
        for path in [destination, staging] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        store = try SQLTrackingStore(database: try SQLiteDatabase.temporary(readerCount: 1),
                                     defaultArtifactRoot: "mlflow-artifacts:/")
        auth = try AuthStore(database: try SQLiteDatabase.temporary(readerCount: 1), passwordIterations: 1_000)
        try auth.createUser(username: "admin", password: AuthHarness.password("admin"), isAdmin: true)
        for name in ["scientist", "gov1", "gov2", "mallory"] {
            try auth.createUser(username: name, password: AuthHarness.password(name))
        }
        _ = try auth.createRole(name: "governance", description: "promotes to production")
        try auth.assignRole(username: "gov1", roleName: "governance")
        try auth.assignRole(username: "gov2", roleName: "governance")
        let access = AccessControl(store: auth, defaultPermission: defaultPermission, stores: APIStores(store))
        let service = ArtifactService(destination: LocalArtifactRepository(root: destination), uploadDirectory: staging,
                                      scratchDirectory: staging)
        var parts = APIParts(stores: APIStores(store), version: "test", artifacts: service,
                             observability: APIObservability(metrics: metrics, log: nil), access: access, audit: audit)
        parts.sealWait = sealWait
        parts.sealedCopyBytes = sealedCopyBytes
        api = MLflowAPI(parts)
    }

    func request(_ method: String, _ target: String, _ body: String = "", bodyFile: String? = nil,
                 headers: [(name: String, value: String)] = [], as user: String) -> HTTPResponse {
        let token = Data("\(user):\(AuthHarness.password(user))".utf8).base64EncodedString()
        return api.handle(HTTPRequest(method: method, target: target,
                                      headers: [(name: "Content-Type", value: "application/json"),
                                                (name: "Authorization", value: "Basic \(token)")] + headers,
                                      body: Array(body.utf8), bodyFile: bodyFile))
    }

    func api(_ method: String, _ path: String, _ body: String = "", as user: String) -> Reply {
        Reply(request(method, "/api/2.0" + path, body, as: user))
    }

    /// The seal of fraud version 1, read from the store.
    func registrySeal() throws -> ModelVersionSeal? {
        try store.registryStore.modelVersionSeal(name: "fraud", version: "1")
    }

    /// A proxied upload, its body staged in a file as the HTTP server hands it over.
    func upload(_ path: String, _ text: String, as user: String) throws -> Reply {
        let file = staging + "/upload-\(UUID().uuidString)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return Reply(request("PUT", "/api/2.0/mlflow-artifacts/artifacts/" + path, bodyFile: file, as: user))
    }

    /// A download's bytes, or its error answer.
    func download(_ target: String, as user: String) throws -> (status: Int, text: String, reply: Reply) {
        let response = request("GET", target, as: user)
        guard let file = response.file else { return (response.status, "", Reply(response)) }
        // Read while the response is held: a checked copy's owner removes it when the response goes.
        let data = try withExtendedLifetime(response) { try Data(contentsOf: URL(fileURLWithPath: file.path)) }
        return (response.status, String(decoding: data, as: UTF8.self), Reply(response))
    }

    /// The scientist's experiment and run with `model/MLmodel` and `model/model.pkl` uploaded through
    /// the proxy, registered as version 1 of `fraud`, which gov1 and gov2 may edit. Returns the
    /// run's artifact path in the destination.
    func promotableVersion(model: String = "fraud") throws -> String {
        let experiment = try #require(api("POST", "/mlflow/experiments/create", #"{"name":"e-\#(model)"}"#, as: "scientist")
            .json?["experiment_id"]?.stringValue)
        let run = try #require(api("POST", "/mlflow/runs/create", #"{"experiment_id":"\#(experiment)"}"#, as: "scientist")
            .json?["run"]?["info"]?["run_id"]?.stringValue)
        let artifacts = "\(experiment)/\(run)/artifacts"
        #expect(try upload(artifacts + "/model/MLmodel", "flavors: {}\n", as: "scientist").status == 200)
        #expect(try upload(artifacts + "/model/model.pkl", "weights-v1", as: "scientist").status == 200)
        #expect(api("POST", "/mlflow/registered-models/create", #"{"name":"\#(model)"}"#, as: "scientist").status == 200)
        #expect(api("POST", "/mlflow/model-versions/create",
                    #"{"name":"\#(model)","source":"runs:/\#(run)/model","run_id":"\#(run)"}"#, as: "scientist").status == 200)
        for user in ["gov1", "gov2"] { try auth.createGrant(username: user, .registeredModel, model, .edit) }
        return artifacts
    }
}

@Suite("Sealed versions through the API")
struct SealedVersionRouteTests {
    static let mlmodelSHA = "7f8f4a879eefb3f9fed9c6af4077c9acb0db066b2906d6570c42913478686b0f"
    static let weightsSHA = "c0ab742f68a24ef362b5529351eb13561e746b70a0f815efe7b64b570b477851"
    /// SHA-256 of the canonical manifest of those two files (computed with Python's hashlib).
    static let digest = "1f607b8a842d3f5bdd229f7723c68bf958d4d2a589494765e775f47db8c80fca"

    @Test func promotionSealsTheVersionAndItsFilesCannotBeWrittenThroughTheServer() throws {
        let harness = try SealHarness()
        let artifacts = try harness.promotableVersion()
        let moved = harness.api("POST", "/mlflow/model-versions/transition-stage",
                                #"{"name":"fraud","version":"1","stage":"Production"}"#, as: "gov1")
        #expect(moved.status == 200, "\(moved.text)")
        let tags = moved.json?["model_version"]?["tags"]?.arrayValue ?? []
        func tag(_ key: String) -> String? { tags.first { $0["key"]?.stringValue == key }?["value"]?.stringValue }
        #expect(tag("swiftrack.seal.digest") == Self.digest)
        #expect(tag("swiftrack.seal.approver") == "gov1")
        #expect(Int64(tag("swiftrack.seal.time") ?? "") ?? 0 > 1_700_000_000_000)
        let seal = harness.api("GET", "/swiftrack/model-versions/seal?name=fraud&version=1", as: "scientist").json?["seal"]
        #expect(seal?["manifest"]?.stringValue == "swiftrack-seal-manifest 1\n\(Self.mlmodelSHA) 12 MLmodel\n"
                + "\(Self.weightsSHA) 10 model.pkl\n")
        #expect(seal?["location"]?.stringValue == "mlflow-artifacts:/\(artifacts)/model")
        // The audit log names the approver and exactly what they promoted.
        let promotion = harness.audit.all.last { $0.route.hasSuffix("/model-versions/transition-stage") }
        #expect(promotion?.user == "gov1" && promotion?.status == 200)
        #expect(promotion?.resources == AuditResources(registeredModelName: "fraud", modelVersion: "1", sealDigest: Self.digest))
        #expect(harness.audit.all.filter { $0.resources.sealDigest != nil }.count == 1)

        // Writes under the sealed location are refused, for the author and for an admin alike.
        let refusal = "Permission denied: Version 1 of registered model 'fraud' is sealed: its artifacts cannot be "
            + "written or deleted until a holder of the governance role unseals it."
        for user in ["scientist", "admin"] {
            expectError(try harness.upload(artifacts + "/model/model.pkl", "weights-v2", as: user), 403,
                        "PERMISSION_DENIED", refusal.replacingOccurrences(of: "Permission denied: ", with: ""))
        }
        expectError(try harness.upload(artifacts + "/model/extra.py", "x", as: "scientist"), 403, "PERMISSION_DENIED",
                    refusal.replacingOccurrences(of: "Permission denied: ", with: ""))
        for path in ["\(artifacts)/model/model.pkl", "\(artifacts)/model", artifacts] {
            #expect(Reply(harness.request("DELETE", "/api/2.0/mlflow-artifacts/artifacts/" + path, as: "admin")).status == 403)
        }
        #expect(Reply(harness.request("POST", "/api/2.0/mlflow-artifacts/mpu/create/\(artifacts)/model/model.pkl",
                                      #"{"path":"model.pkl","num_parts":1}"#, as: "scientist")).status == 403)
        let run = artifacts.split(separator: "/")[1]
        #expect(Reply(harness.request("POST", "/ajax-api/2.0/mlflow/upload-artifact?run_uuid=\(run)&path=model/model.pkl",
                                      "weights-v2", as: "scientist")).status == 403)
        // Beside the model, the run's artifacts stay writable.
        #expect(try harness.upload(artifacts + "/notes.txt", "n", as: "scientist").status == 200)
        #expect(try harness.upload(artifacts + "/model2/model.pkl", "w", as: "scientist").status == 200)
        let onDisk = harness.destination + "/" + artifacts + "/model/model.pkl"
        #expect(try String(contentsOfFile: onDisk, encoding: .utf8) == "weights-v1")
        // The server's tags are not the clients'.
        #expect(harness.api("POST", "/mlflow/model-versions/set-tag",
                            #"{"name":"fraud","version":"1","key":"swiftrack.seal.digest","value":"forged"}"#,
                            as: "admin").errorCode == "INVALID_PARAMETER_VALUE")
        #expect(harness.api("DELETE", "/mlflow/model-versions/delete-tag",
                            #"{"name":"fraud","version":"1","key":"swiftrack.seal.digest"}"#, as: "admin")
            .errorCode == "INVALID_PARAMETER_VALUE")
        #expect(harness.api("DELETE", "/mlflow/model-versions/delete", #"{"name":"fraud","version":"1"}"#, as: "admin")
            .errorCode == "INVALID_STATE")
    }

    @Test func aChangedFileIsNotServedAndVerifyNamesIt() throws {
        let harness = try SealHarness()
        let artifacts = try harness.promotableVersion()
        #expect(harness.api("POST", "/mlflow/registered-models/alias", #"{"name":"fraud","alias":"champion","version":"1"}"#,
                            as: "gov2").status == 200)
        let proxied = "/api/2.0/mlflow-artifacts/artifacts/\(artifacts)/model/model.pkl"
        let viaVersion = "/model-versions/get-artifact?name=fraud&version=1&path=model.pkl"
        #expect(try harness.download(proxied, as: "scientist").text == "weights-v1")
        #expect(try harness.download(viaVersion, as: "scientist").text == "weights-v1")
        let verified = harness.api("GET", "/swiftrack/model-versions/verify?name=fraud", as: "scientist").json
        #expect(verified?["versions"]?[0]?["ok"] == .bool(true))
        #expect(verified?["versions"]?[0]?["mismatches"]?.arrayValue?.isEmpty == true)

        // Behind the server's back: the weights replaced on disk, a file added.
        let directory = harness.destination + "/" + artifacts + "/model"
        try Data("weights-v2".utf8).write(to: URL(fileURLWithPath: directory + "/model.pkl"))
        try Data("import os".utf8).write(to: URL(fileURLWithPath: directory + "/extra.py"))
        for target in [proxied, viaVersion] {
            let refused = try harness.download(target, as: "scientist")
            expectError(refused.reply, 409, "RESOURCE_CONFLICT", "Version 1 of registered model 'fraud' is sealed "
                        + "(\(Self.digest)) and its file does not match the seal: model.pkl: changed (sealed 10 bytes, "
                        + "sha256 \(Self.weightsSHA); now 10 bytes, sha256 "
                        + "dbf023aafed69fe98845421fd60cba2c26b7b0ebb2a3f0d06c46e43ffd844b9a). Not served.")
        }
        expectError(try harness.download("/api/2.0/mlflow-artifacts/artifacts/\(artifacts)/model/extra.py",
                                         as: "scientist").reply, 409, "RESOURCE_CONFLICT",
                    "'extra.py' is not one of the sealed files of version 1 of registered model 'fraud' "
                    + "(sealed \(Self.digest)); it was added after sealing and is not served.")
        #expect(try harness.download(proxied.replacingOccurrences(of: "model.pkl", with: "MLmodel"), as: "scientist").text
                == "flavors: {}\n")
        #expect(harness.metrics.registry.exposition()
            .contains("swiftrack_sealed_artifact_mismatches_total 3\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.staging).isEmpty)

        let report = harness.api("GET", "/swiftrack/model-versions/verify?name=fraud&version=1", as: "scientist").json
        let version = report?["versions"]?[0]
        #expect(version?["ok"] == .bool(false))
        #expect(version?["digest"]?.stringValue == Self.digest)
        #expect(version?["mismatches"]?.arrayValue?.compactMap { $0["path"]?.stringValue } == ["extra.py", "model.pkl"])
        #expect(version?["mismatches"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } == ["added", "changed"])
        // A file deleted behind the server's back is missing.
        try FileManager.default.removeItem(atPath: directory + "/MLmodel")
        let after = harness.api("GET", "/swiftrack/model-versions/verify?name=fraud&version=1", as: "scientist").json
        #expect(after?["versions"]?[0]?["mismatches"]?.arrayValue?.compactMap { $0["kind"]?.stringValue }
                == ["missing", "added", "changed"])
        expectError(harness.api("GET", "/swiftrack/model-versions/verify?name=fraud&version=2", as: "scientist"), 404,
                    "RESOURCE_DOES_NOT_EXIST", "Model Version (name=fraud, version=2) not found")
    }

    @Test func aSealedFileAnswered416OrDroppedUnsentLeavesNothingInTheStagingFolder() throws {
        let harness = try SealHarness()
        let artifacts = try harness.promotableVersion()
        #expect(harness.api("POST", "/mlflow/registered-models/alias", #"{"name":"fraud","alias":"champion","version":"1"}"#,
                            as: "gov2").status == 200)
        let run = artifacts.split(separator: "/")[1]
        let targets = ["/api/2.0/mlflow-artifacts/artifacts/\(artifacts)/model/model.pkl",
                       "/model-versions/get-artifact?name=fraud&version=1&path=model.pkl",
                       "/get-artifact?run_id=\(run)&path=model/model.pkl"]
        func staged() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: harness.staging) }
        for target in targets {
            // The checked copy is made, then the range is past its end: answered without a body.
            let response = harness.request("GET", target, headers: [(name: "Range", value: "bytes=99999999999-")],
                                           as: "scientist")
            #expect(response.status == 416)
            #expect(response.file == nil)
            #expect(response.headers.contains { $0.name == "Content-Range" && $0.value == "bytes */10" })
            #expect(try staged().isEmpty, "\(target)")
            // A response the server drops unsent (its client hung up) takes its copy with it.
            do {
                let unsent = harness.request("GET", target, as: "scientist")
                #expect(unsent.status == 200)
                #expect(try staged().count == 1)
            }
            #expect(try staged().isEmpty, "\(target)")
        }
    }

    @Test func checkedCopiesHeldAtOnceAreBoundedAndADownloadPastTheBoundIsToldToRetry() throws {
        // model.pkl is 10 bytes, MLmodel 12: one copy of each fits in 25, a second model.pkl does not.
        let harness = try SealHarness(sealedCopyBytes: 25)
        let artifacts = try harness.promotableVersion()
        #expect(harness.api("POST", "/mlflow/registered-models/alias", #"{"name":"fraud","alias":"champion","version":"1"}"#,
                            as: "gov2").status == 200)
        let weights = "/api/2.0/mlflow-artifacts/artifacts/\(artifacts)/model/model.pkl"
        let viaVersion = "/model-versions/get-artifact?name=fraud&version=1&path=model.pkl"
        var slowReaders = [harness.request("GET", weights, as: "scientist"),
                           harness.request("GET", weights.replacingOccurrences(of: "model.pkl", with: "MLmodel"),
                                           as: "scientist")]
        #expect(slowReaders.map(\.status) == [200, 200])
        for target in [weights, viaVersion] {
            let refused = harness.request("GET", target, as: "scientist")
            expectError(Reply(refused), 503, "TEMPORARILY_UNAVAILABLE", "The server holds as many checked copies of "
                        + "sealed files as it may (--sealed-copy-bytes 25); try again.")
            #expect(refused.headers.contains { $0.name == "Retry-After" && $0.value == "5" })
        }
        // A file that is not sealed is not counted.
        #expect(try harness.upload(artifacts + "/notes.txt", "n", as: "scientist").status == 200)
        #expect(try harness.download("/api/2.0/mlflow-artifacts/artifacts/\(artifacts)/notes.txt", as: "scientist").text
                == "n")
        // Once a reader's response is over its copy's bytes are free again.
        slowReaders.removeFirst()
        #expect(try harness.download(viaVersion, as: "scientist").text == "weights-v1")
        slowReaders.removeAll()
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.staging).isEmpty)
    }

    @Test func oneCopyIsAlwaysLetThroughAndNoLimitMeansNone() throws {
        let budget = SealedCopyBudget(limit: 100)
        var held = [try budget.reserve(1_000)]
        #expect(budget.heldBytes == 1_000)
        #expect(throws: RetryLater.self) { try budget.reserve(1) }
        held.removeAll()
        #expect(budget.heldBytes == 0)
        held = [try budget.reserve(60), try budget.reserve(40)]
        #expect(throws: RetryLater.self) { try budget.reserve(1) }
        held.removeAll()
        let unlimited = SealedCopyBudget(limit: 0)
        let many = try (0..<10).map { _ in try unlimited.reserve(1 << 40) }
        #expect(unlimited.heldBytes == 10 << 40)
        _ = many
    }

    @Test func unsealingNeedsTheGovernanceRoleAndFreesTheFiles() throws {
        let harness = try SealHarness()
        let artifacts = try harness.promotableVersion()
        #expect(harness.api("POST", "/mlflow/model-versions/transition-stage",
                            #"{"name":"fraud","version":"1","stage":"Production"}"#, as: "gov1").status == 200)
        let unseal = #"{"name":"fraud","version":"1"}"#
        for user in ["scientist", "admin"] {
            expectError(harness.api("POST", "/swiftrack/model-versions/unseal", unseal, as: user), 403, "PERMISSION_DENIED",
                        "Permission denied: unsealing version 1 of 'fraud' needs the 'governance' role, which \(user) does "
                        + "not hold (separation of duties).")
        }
        #expect(try harness.upload(artifacts + "/model/model.pkl", "weights-v2", as: "scientist").status == 403)
        // Not while it is in production: its files could then change under a protected stage.
        expectError(harness.api("POST", "/swiftrack/model-versions/unseal", unseal, as: "gov2"), 400, "INVALID_STATE",
                    "Version 1 of registered model 'fraud' holds stage 'Production': move it out before unsealing it, so "
                    + "that no protected version has files that may change.")
        #expect(harness.api("POST", "/mlflow/model-versions/transition-stage",
                            #"{"name":"fraud","version":"1","stage":"Archived"}"#, as: "scientist").status == 200)
        // Four eyes: the version's creator may not unseal it, even holding the governance role.
        try harness.auth.assignRole(username: "scientist", roleName: "governance")
        expectError(harness.api("POST", "/swiftrack/model-versions/unseal", unseal, as: "scientist"), 403,
                    "PERMISSION_DENIED", "Permission denied: scientist created version 1 of 'fraud' and may not unseal "
                    + "it themselves (four eyes): another holder of the 'governance' role must.")
        let removed = harness.api("POST", "/swiftrack/model-versions/unseal", unseal, as: "gov2")
        #expect(removed.json?["seal"]?["digest"]?.stringValue == Self.digest)
        let tags = harness.api("GET", "/mlflow/model-versions/get?name=fraud&version=1", as: "scientist")
            .json?["model_version"]?["tags"]?.arrayValue ?? []
        #expect(tags.isEmpty)
        #expect(try harness.upload(artifacts + "/model/model.pkl", "weights-v2", as: "scientist").status == 200)
        expectError(harness.api("POST", "/swiftrack/model-versions/unseal", unseal, as: "gov2"), 400, "INVALID_STATE",
                    "Version 1 of registered model 'fraud' is not sealed.")
        // Promoting it again seals what is there now.
        #expect(harness.api("POST", "/mlflow/registered-models/alias", #"{"name":"fraud","alias":"champion","version":"1"}"#,
                            as: "gov1").status == 200)
        let manifest = harness.api("GET", "/swiftrack/model-versions/seal?name=fraud&version=1", as: "scientist")
            .json?["seal"]?["manifest"]?.stringValue
        #expect(manifest?.contains("dbf023aafed69fe98845421fd60cba2c26b7b0ebb2a3f0d06c46e43ffd844b9a 10 model.pkl") == true)
    }

    /// A location the server and the client read differently (a `%` escape the client decodes, a
    /// query it drops) would seal a decoy folder while production loads another: not sealed, so not
    /// promoted.
    @Test func aVersionWhoseLocationClientsReadDifferentlyIsNotSealed() throws {
        let harness = try SealHarness()
        let artifacts = try harness.promotableVersion()
        let run = String(artifacts.split(separator: "/")[1])
        // A decoy folder literally named `mod%65l` (the URL's %25 is a percent sign), and one named `model?v=1`.
        #expect(try harness.upload(artifacts + "/mod%2565l/model.pkl", "decoy", as: "scientist").status == 200)
        #expect(try harness.upload(artifacts + "/model%3Fv=1/model.pkl", "decoy", as: "scientist").status == 200)
        for (version, source) in [("2", "runs:/\(run)/mod%65l"), ("3", "mlflow-artifacts:/\(artifacts)/model?v=1")] {
            #expect(harness.api("POST", "/mlflow/model-versions/create",
                                #"{"name":"fraud","source":"\#(source)","run_id":"\#(run)"}"#, as: "scientist").status == 200)
            let odd = version == "2" ? "'%'" : "'?'"
            expectError(harness.api("POST", "/mlflow/model-versions/transition-stage",
                                    #"{"name":"fraud","version":"\#(version)","stage":"Production"}"#, as: "gov1"),
                        400, "INVALID_STATE", "Version \(version) of registered model 'fraud' cannot be sealed: its artifact "
                        + "location '\(source)' holds \(odd), which clients read differently from the server.")
            let found = harness.api("GET", "/mlflow/model-versions/get?name=fraud&version=\(version)", as: "scientist")
                .json?["model_version"]
            #expect(found?["current_stage"]?.stringValue == "None" && found?["tags"]?.arrayValue?.isEmpty != false)
        }
        #expect(try harness.store.registryStore.sealedLocations().isEmpty)
    }

    /// Asking for a path that holds no file under a sealed location is a plain 404, not a tampering
    /// alarm (anyone who may read can ask); a file added there is both.
    @Test func aMissingPathIsNotAMismatch() throws {
        let harness = try SealHarness()
        let artifacts = try harness.promotableVersion()
        #expect(harness.api("POST", "/mlflow/model-versions/transition-stage",
                            #"{"name":"fraud","version":"1","stage":"Production"}"#, as: "gov1").status == 200)
        let missing = try harness.download("/api/2.0/mlflow-artifacts/artifacts/\(artifacts)/model/nope", as: "scientist")
        #expect(missing.status == 404)
        #expect(harness.metrics.sealMismatches.value() == 0)
        try Data("x".utf8).write(to: URL(fileURLWithPath: harness.destination + "/" + artifacts + "/model/added"))
        #expect(try harness.download("/api/2.0/mlflow-artifacts/artifacts/\(artifacts)/model/added", as: "scientist")
            .status == 409)
        #expect(harness.metrics.sealMismatches.value() == 1)
    }

    /// A rollback that puts a sealed version back into production names that seal in its audit record.
    @Test func aRollbackIntoProductionRecordsTheSealItRestores() throws {
        let harness = try SealHarness()
        let artifacts = try harness.promotableVersion()
        let run = String(artifacts.split(separator: "/")[1])
        #expect(harness.api("POST", "/mlflow/model-versions/transition-stage",
                            #"{"name":"fraud","version":"1","stage":"Production"}"#, as: "gov1").status == 200)
        // Version 2 (other files) replaces it in production, archiving version 1; the rollback brings 1 back.
        #expect(try harness.upload(artifacts + "/model2/model.pkl", "weights-v2", as: "scientist").status == 200)
        #expect(harness.api("POST", "/mlflow/model-versions/create",
                            #"{"name":"fraud","source":"runs:/\#(run)/model2","run_id":"\#(run)"}"#, as: "scientist")
            .status == 200)
        #expect(harness.api("POST", "/mlflow/model-versions/transition-stage",
                            #"{"name":"fraud","version":"2","stage":"Production","archive_existing_versions":true}"#,
                            as: "gov1").status == 200)
        let rolled = harness.api("POST", "/swiftrack/registered-models/rollback", #"{"name":"fraud","stage":"Production"}"#,
                                 as: "gov2")
        #expect(rolled.status == 200, "\(rolled.text)")
        #expect(rolled.json?["model_version"]?["version"]?.stringValue == "1")
        let record = harness.audit.all.last { $0.route.hasSuffix("/registered-models/rollback") }
        #expect(record?.resources == AuditResources(registeredModelName: "fraud", modelVersion: "1", sealDigest: Self.digest))
    }

    /// No place free for a job: the move answers 503 but the job is recorded (waiting), so the
    /// version keeps its name and number while the client repeats; a later mover with a place takes
    /// it over at once.
    @Test func aMoveWithoutAPlaceIsRecordedAsWaitingAndHoldsTheVersion() throws {
        let harness = try SealHarness()
        _ = try harness.promotableVersion()
        let registry = harness.store.registryStore
        let service = ArtifactService(destination: LocalArtifactRepository(root: harness.destination),
                                      uploadDirectory: harness.staging, scratchDirectory: harness.staging)
        func router(places: Int) -> Router {
            let sealer = ModelVersionSealer(registry: registry, tracking: harness.store, artifacts: service,
                                            policy: PromotionPolicy(), wait: .seconds(5), places: places)
            return Router(routes: RegistryRoutes(registry: registry, transitionRequests: nil, sealer: sealer).routes,
                          prefixes: ["/api/2.0"])
        }
        func move(_ router: Router) throws -> HTTPResponse {
            let http = HTTPRequest(method: "POST", target: "/api/2.0/mlflow/model-versions/transition-stage",
                                   headers: [(name: "Content-Type", value: "application/json")],
                                   body: Array(#"{"name":"fraud","version":"1","stage":"Production"}"#.utf8))
            guard case .route(let route, let template) = router.match(method: "POST", path: http.path) else {
                throw MLflowError.notFound("no route")
            }
            return try route.handler(RouteRequest(http, template: template))
        }
        #expect(throws: RetryLater.self) { _ = try move(router(places: 0)) }
        #expect(try registry.sealingJob(name: "fraud", version: "1")?.updatedTime == 0)
        #expect(throws: MLflowError.self) { _ = try registry.renameRegisteredModel(name: "fraud", newName: "fraud-old") }
        #expect(try move(router(places: 4)).status == 200)
        #expect(try harness.registrySeal()?.digest == Self.digest)
    }

    /// A cancelled seal stops the move it was for: the waiting mover's repeat is told (400, which the
    /// client does not repeat) rather than starting again; the move after that seals afresh.
    @Test func aCancelledSealIsToldToTheNextMover() throws {
        let harness = try SealHarness(sealWait: .zero)
        let artifacts = try harness.promotableVersion()
        let elsewhere = SealingJob(name: "fraud", version: "1", token: "elsewhere", source: "x",
                                   location: "mlflow-artifacts:/\(artifacts)/model", approver: "gov1",
                                   target: "stage 'Production'", startedTime: SealingWorker.now())
        _ = try harness.store.registryStore.claimSealing(elsewhere, staleBefore: 0)
        let cancelled = harness.api("POST", "/swiftrack/model-versions/unseal", #"{"name":"fraud","version":"1"}"#, as: "gov2")
        #expect(cancelled.status == 200 && cancelled.text == #"{"sealing_cancelled":true}"#)
        let stage = #"{"name":"fraud","version":"1","stage":"Production"}"#
        expectError(harness.api("POST", "/mlflow/model-versions/transition-stage", stage, as: "gov1"), 400, "INVALID_STATE",
                    "Version 1 of registered model 'fraud' could not be sealed, so it was not moved to stage 'Production': "
                    + "its sealing was cancelled by a holder of the governance role")
        var answers: [Int] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while answers.last != 200 && ContinuousClock.now < deadline {
            answers.append(harness.api("POST", "/mlflow/model-versions/transition-stage", stage, as: "gov1").status)
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(answers.last == 200, "\(answers)")
    }

    /// A single file as a version's source: a seal's paths are relative to a folder.
    @Test func aFileAsTheSourceIsNotSealed() throws {
        let harness = try SealHarness()
        let artifacts = try harness.promotableVersion()
        let run = String(artifacts.split(separator: "/")[1])
        #expect(harness.api("POST", "/mlflow/model-versions/create",
                            #"{"name":"fraud","source":"runs:/\#(run)/model/model.pkl","run_id":"\#(run)"}"#,
                            as: "scientist").status == 200)
        expectError(harness.api("POST", "/mlflow/model-versions/transition-stage",
                                #"{"name":"fraud","version":"2","stage":"Production"}"#, as: "gov1"), 400, "INVALID_STATE",
                    "Version 2 of registered model 'fraud' could not be sealed, so it was not moved to stage 'Production': "
                    + "The artifact location 'mlflow-artifacts:/\(artifacts)/model/model.pkl' is a file, not a folder: only "
                    + "a folder of model files can be sealed.")
    }

    @Test func aSealThatCannotBeMadeStopsTheMoveAndNobodyElseMakesTheServerHash() throws {
        let harness = try SealHarness()
        let artifacts = try harness.promotableVersion()
        // A file the manifest's text cannot carry, put there behind the server's back.
        let odd = harness.destination + "/" + artifacts + "/model/bad\nname"
        try Data("x".utf8).write(to: URL(fileURLWithPath: odd))
        expectError(harness.api("POST", "/mlflow/model-versions/transition-stage",
                                #"{"name":"fraud","version":"1","stage":"Production"}"#, as: "gov1"), 400, "INVALID_STATE",
                    "Version 1 of registered model 'fraud' could not be sealed, so it was not moved to stage 'Production': "
                    + "The artifact path 'bad\\nname' cannot be sealed (empty segments, control characters, backslashes "
                    + "and dot segments are not).")
        let version = harness.api("GET", "/mlflow/model-versions/get?name=fraud&version=1", as: "scientist")
            .json?["model_version"]
        #expect(version?["current_stage"]?.stringValue == "None")
        #expect(harness.api("GET", "/swiftrack/registered-models/history?name=fraud", as: "scientist")
            .json?["entries"]?.arrayValue?.isEmpty == true)
        // The policy refuses before anything is read: the odd file would otherwise be the error.
        expectError(harness.api("POST", "/mlflow/registered-models/alias",
                                #"{"name":"fraud","alias":"champion","version":"1"}"#, as: "scientist"), 403,
                    "PERMISSION_DENIED", "Permission denied: moving a version to alias 'champion' needs the 'governance' "
                    + "role, which scientist does not hold (separation of duties).")
        // Unprotected targets seal nothing.
        try FileManager.default.removeItem(atPath: odd)
        let staged = harness.api("POST", "/mlflow/model-versions/transition-stage",
                                 #"{"name":"fraud","version":"1","stage":"Staging"}"#, as: "scientist")
        #expect(staged.status == 200 && staged.json?["model_version"]?["tags"]?.arrayValue?.isEmpty != false)
    }

    /// A seal that outlasts the wait: the move answers 503 with Retry-After (what the mlflow client
    /// repeats), the version is marked and its files refused while the job runs, and a repeat made
    /// once the seal is stored makes the move.
    @Test func aMoveWaitsForItsSealAndIsRepeatedUntilTheSealIsDone() throws {
        let harness = try SealHarness(sealWait: .zero)
        let artifacts = try harness.promotableVersion()
        let registry = harness.store.registryStore
        // A job another replica runs (claimed in the store; nothing here hashes it).
        let elsewhere = SealingJob(name: "fraud", version: "1", token: "elsewhere", source: "x", location:
                                    "mlflow-artifacts:/\(artifacts)/model", approver: "gov2", target: "stage 'Production'",
                                   startedTime: SealingWorker.now(), bytesRead: 3 << 20)
        #expect(try registry.claimSealing(elsewhere, staleBefore: 0) == .started(elsewhere))
        let waiting = harness.api("POST", "/mlflow/model-versions/transition-stage",
                                  #"{"name":"fraud","version":"1","stage":"Production"}"#, as: "gov1")
        expectError(waiting, 503, "TEMPORARILY_UNAVAILABLE",
                    "Version 1 of registered model 'fraud' is being sealed (3 MiB read so far) before it is moved to stage "
                    + "'Production'; repeat the request to make the move once the seal is complete.")
        #expect(waiting.headers.first { $0.name == "Retry-After" }?.value == "1")
        let version = harness.api("GET", "/mlflow/model-versions/get?name=fraud&version=1", as: "scientist").json?["model_version"]
        #expect(version?["current_stage"]?.stringValue == "None")
        #expect(version?["tags"]?.arrayValue?.first?["value"]?.stringValue == "sealing")
        expectError(try harness.upload(artifacts + "/model/model.pkl", "weights-v2", as: "scientist"), 403,
                    "PERMISSION_DENIED", "Version 1 of registered model 'fraud' is being sealed: its artifacts cannot be "
                    + "written or deleted.")
        #expect(harness.api("GET", "/swiftrack/model-versions/seal?name=fraud&version=1", as: "scientist").text
                    .contains("it is being sealed (3145728 bytes read)"))
        // That job fails: the next mover is told, once; the one after starts a job here, which seals.
        try registry.failSealing(name: "fraud", version: "1", token: "elsewhere",
                                 error: MLflowError(.internalError, "the store went away"), now: SealingWorker.now())
        // A server-side cause is told as INVALID_STATE: the client must not repeat the move by itself.
        expectError(harness.api("POST", "/mlflow/model-versions/transition-stage",
                                #"{"name":"fraud","version":"1","stage":"Production"}"#, as: "gov1"), 400, "INVALID_STATE",
                    "Version 1 of registered model 'fraud' could not be sealed, so it was not moved to stage 'Production': "
                    + "the store went away")
        var answers: [Int] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while answers.last != 200 && ContinuousClock.now < deadline {
            answers.append(harness.api("POST", "/mlflow/model-versions/transition-stage",
                                       #"{"name":"fraud","version":"1","stage":"Production"}"#, as: "gov1").status)
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(answers.first == 503 && answers.last == 200 && Set(answers) == [503, 200], "\(answers)")
        #expect(try harness.registrySeal()?.digest == Self.digest)
        #expect(try harness.registrySeal()?.approver == "gov1")
        let moved = harness.api("GET", "/mlflow/model-versions/get?name=fraud&version=1", as: "scientist").json?["model_version"]
        #expect(moved?["current_stage"]?.stringValue == "Production")
        #expect(moved?["tags"]?.arrayValue?.contains { $0["key"]?.stringValue == "swiftrack.seal.state" } == false)
    }

    @Test func aTransitionRequestSealsWhenApprovedAndARollbackNeedsASealedVersion() throws {
        let harness = try SealHarness()
        _ = try harness.promotableVersion()
        let asked = harness.api("POST", "/mlflow/transition-requests/create",
                                #"{"name":"fraud","version":"1","alias":"champion"}"#, as: "scientist")
        let id = try #require(asked.json?["request"]?["id"]?.intValue)
        let approved = harness.api("POST", "/mlflow/transition-requests/approve", #"{"request_id":\#(id)}"#, as: "gov1")
        #expect(approved.status == 200, "\(approved.text)")
        let tags: [JSONValue] = approved.json?["model_version"]?["tags"]?.arrayValue ?? []
        let approver = tags.first { $0["key"]?.stringValue == "swiftrack.seal.approver" }?["value"]?.stringValue
        #expect(approver == "gov1")
        // The approval's audit record names the model, the version and the seal it promoted.
        let record = harness.audit.all.last { $0.route.hasSuffix("/transition-requests/approve") }
        #expect(record?.resources.registeredModelName == "fraud" && record?.resources.modelVersion == "1"
                && record?.resources.sealDigest == Self.digest)
        // Version 2 (same files) takes the alias, sealed; version 1 is unsealed; rolling the alias back
        // would put the unsealed version 1 back under it.
        let source = try #require(harness.api("GET", "/mlflow/model-versions/get?name=fraud&version=1", as: "scientist")
            .json?["model_version"]?["source"]?.stringValue)
        let run = source.dropFirst("runs:/".count).prefix { $0 != "/" }
        let second = harness.api("POST", "/mlflow/model-versions/create",
                                 #"{"name":"fraud","source":"\#(source)","run_id":"\#(run)"}"#, as: "scientist")
        #expect(second.status == 200, "\(second.text)")
        #expect(harness.api("POST", "/mlflow/registered-models/alias", #"{"name":"fraud","alias":"champion","version":"2"}"#,
                            as: "gov1").status == 200)
        #expect(harness.api("POST", "/swiftrack/model-versions/unseal", #"{"name":"fraud","version":"1"}"#, as: "gov2")
            .status == 200)
        expectError(harness.api("POST", "/swiftrack/registered-models/rollback", #"{"name":"fraud","alias":"champion"}"#,
                                as: "gov2"), 400, "INVALID_STATE",
                    "Rolling back would put version 1 of registered model 'fraud' into alias 'champion', but it is not "
                    + "sealed: promote it directly or through a transition request, which seals it.")
        #expect(harness.api("GET", "/mlflow/registered-models/alias?name=fraud&alias=champion", as: "scientist")
            .json?["model_version"]?["version"]?.stringValue == "2")
    }

    /// Webhooks learn the digest: the sealing job announces the seal's tags as MLflow's tag events
    /// when it stores the seal, the move's request its own event, and unsealing the tags' deletion.
    /// Routes run here without access control, as the publisher sees what they emitted.
    @Test func sealingAndUnsealingAreAnnouncedAsTagEvents() throws {
        let harness = try SealHarness()
        _ = try harness.promotableVersion()
        let registry = harness.store.registryStore
        let service = ArtifactService(destination: LocalArtifactRepository(root: harness.destination),
                                      uploadDirectory: harness.staging, scratchDirectory: harness.staging)
        let published = Mutex<[RegistryChange]>([])
        let sealer = ModelVersionSealer(registry: registry, tracking: harness.store, artifacts: service,
                                        policy: PromotionPolicy(), publish: { changes in published.withLock { $0 += changes } })
        let router = Router(routes: RegistryRoutes(registry: registry, transitionRequests: nil, sealer: sealer).routes,
                            prefixes: ["/api/2.0"])
        func run(_ method: String, _ path: String, _ body: String) throws -> [RegistryChange] {
            let http = HTTPRequest(method: method, target: "/api/2.0" + path,
                                   headers: [(name: "Content-Type", value: "application/json")], body: Array(body.utf8))
            guard case .route(let route, let template) = router.match(method: method, path: http.path) else { return [] }
            let request = RouteRequest(http, template: template)
            #expect(try route.handler(request).status == 200)
            return request.events.registryChanges
        }
        #expect(try run("POST", "/mlflow/registered-models/alias", #"{"name":"fraud","alias":"champion","version":"1"}"#)
                == [.aliasSet(name: "fraud", alias: "champion", version: "1")])
        let time = try #require(try registry.modelVersionSeal(name: "fraud", version: "1")?.sealedTime)
        let announced = [
            RegistryChange.modelVersionTagSet(name: "fraud", version: "1", key: "swiftrack.seal.digest", value: Self.digest),
            .modelVersionTagSet(name: "fraud", version: "1", key: "swiftrack.seal.time", value: String(time)),
            .modelVersionTagSet(name: "fraud", version: "1", key: "swiftrack.seal.approver", value: ""),
        ]
        // The job publishes right after storing the seal, on its own thread.
        let deadline = ContinuousClock.now + .seconds(5)
        while published.withLock({ $0.count }) < announced.count && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(published.withLock { $0 } == announced)
        // Already sealed: nothing new to announce.
        #expect(try run("POST", "/mlflow/model-versions/transition-stage", #"{"name":"fraud","version":"1","stage":"Production"}"#)
                == [])
        #expect(try run("POST", "/swiftrack/model-versions/unseal", #"{"name":"fraud","version":"1"}"#) == [
            .modelVersionTagDeleted(name: "fraud", version: "1", key: "swiftrack.seal.digest"),
            .modelVersionTagDeleted(name: "fraud", version: "1", key: "swiftrack.seal.time"),
            .modelVersionTagDeleted(name: "fraud", version: "1", key: "swiftrack.seal.approver"),
        ])
        #expect(published.withLock { $0 } == announced)
    }

    /// An outsider (no grant on the model, nothing by default), even one holding the governance role,
    /// reaches neither the seal, nor a verification, nor an unseal, nor the sealed files; an unknown
    /// model answers the same, so nothing tells which models exist.
    @Test func anOutsiderReachesNoSealRouteAndLearnsNothing() throws {
        let harness = try SealHarness(defaultPermission: .noPermissions)
        let artifacts = try harness.promotableVersion()
        #expect(harness.api("POST", "/mlflow/model-versions/transition-stage",
                            #"{"name":"fraud","version":"1","stage":"Production"}"#, as: "gov1").status == 200)
        try harness.auth.assignRole(username: "mallory", roleName: "governance")
        for model in ["fraud", "no-such-model"] {
            for (method, path, body) in [("GET", "/swiftrack/model-versions/seal?name=\(model)&version=1", ""),
                                         ("GET", "/swiftrack/model-versions/verify?name=\(model)", ""),
                                         ("GET", "/swiftrack/model-versions/verify?name=\(model)&version=1", ""),
                                         ("POST", "/swiftrack/model-versions/unseal", #"{"name":"\#(model)","version":"1"}"#)] {
                let reply = harness.api(method, path, body, as: "mallory")
                #expect(reply.status == 403 && reply.errorCode == "PERMISSION_DENIED", "\(method) \(path): \(reply.text)")
                #expect(reply.text.contains("sealed") == false && reply.text.contains("digest") == false, "\(reply.text)")
            }
        }
        #expect(try harness.download("/api/2.0/mlflow-artifacts/artifacts/\(artifacts)/model/model.pkl", as: "mallory")
            .status == 403)
        #expect(try harness.download("/model-versions/get-artifact?name=fraud&version=1&path=model.pkl", as: "mallory")
            .status == 403)
        #expect(try harness.upload(artifacts + "/model/model.pkl", "weights-v2", as: "mallory").status == 403)
        #expect(try harness.registrySeal() != nil)
    }
}

@Suite("Slots for whole-model reads")
struct SlotsTests {
    @Test func aSlotIsTakenUntilGivenBack() {
        let slots = Slots(limit: 2)
        #expect(slots.take() && slots.take())
        #expect(!slots.take())
        slots.give()
        #expect(slots.take())
        #expect(!slots.take())
    }
}
