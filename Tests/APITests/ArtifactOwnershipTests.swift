import Artifacts
import Auth
import Foundation
import HTTPTransport
import JSON
import Observability
import SQLiteEngine
@testable import Storage
import Testing
import TrackingCore
@testable import API

/// Basic auth in front of the artifact proxy on a local destination, new experiments at
/// `mlflow-artifacts:/<id>`: the break-in review's artifact-proxy attack, tried as an outsider would.
private final class OwnedProxyHarness: @unchecked Sendable {
    let directory: TemporaryDirectory
    let staging: String
    let store: SQLTrackingStore
    let auth: AuthStore
    let api: MLflowAPI

    init(defaultPermission: Permission, audit: (any AuditSink)? = nil) throws {
        directory = try TemporaryDirectory()
        let destination = directory.path + "/artifacts"
        staging = directory.path + "/staging"
        for path in [destination, staging] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        store = try SQLTrackingStore(database: try SQLiteDatabase.temporary(readerCount: 1),
                                     defaultArtifactRoot: "mlflow-artifacts:/")
        auth = try AuthStore(database: try SQLiteDatabase.temporary(readerCount: 1), passwordIterations: 1_000)
        try auth.createUser(username: "admin", password: AuthHarness.password("admin"), isAdmin: true)
        for user in ["bob", "carol"] { try auth.createUser(username: user, password: AuthHarness.password(user)) }
        let access = AccessControl(store: auth, defaultPermission: defaultPermission, stores: APIStores(store))
        let service = ArtifactService(destination: LocalArtifactRepository(root: destination),
                                      uploadDirectory: staging, scratchDirectory: staging, maxUploadBytes: 10_000)
        api = MLflowAPI(APIParts(stores: APIStores(store), version: "test", artifacts: service, access: access,
                                 audit: audit))
    }

    private func headers(_ user: String) -> [(name: String, value: String)] {
        let token = Data("\(user):\(AuthHarness.password(user))".utf8).base64EncodedString()
        return [(name: "Content-Type", value: "application/json"), (name: "Authorization", value: "Basic \(token)")]
    }

    func send(_ method: String, _ target: String, _ body: String = "", as user: String) -> Reply {
        Reply(api.handle(HTTPRequest(method: method, target: target, headers: headers(user), body: Array(body.utf8))))
    }

    func api(_ method: String, _ path: String, _ body: String = "", as user: String) -> Reply {
        send(method, "/api/2.0/mlflow" + path, body, as: user)
    }

    /// A PUT through the proxy as the HTTP server hands it over: the body staged in a file.
    func upload(_ path: String, _ text: String, as user: String) throws -> Reply {
        let file = staging + "/upload-\(UUID().uuidString)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return Reply(api.handle(HTTPRequest(method: "PUT", target: "/api/2.0/mlflow-artifacts/artifacts/" + path,
                                            headers: headers(user), bodyFile: file)))
    }

    func download(_ path: String, as user: String) -> Reply {
        send("GET", "/api/2.0/mlflow-artifacts/artifacts/" + path, as: user)
    }

    func list(_ path: String, as user: String) -> Reply {
        send("GET", "/api/2.0/mlflow-artifacts/artifacts?path=" + path, as: user)
    }

    /// An experiment (as `user`) at `location`, or nil with the refusal recorded by the caller.
    func createExperiment(_ name: String, at location: String?, as user: String = "admin") -> Reply {
        var members: [(String, JSONValue)] = [("name", .string(name))]
        if let location { members.append(("artifact_location", .string(location))) }
        return api("POST", "/experiments/create", JSONWriter.string(.object(members)), as: user)
    }

    func experiment(_ name: String, at location: String?) throws -> String {
        try #require(createExperiment(name, at: location).json?["experiment_id"]?.stringValue)
    }

    /// A run of `experiment` and the proxy path of its artifacts (`<location path>/<run>/artifacts`).
    func run(in experiment: String) throws -> (id: String, path: String) {
        let info = try #require(api("POST", "/runs/create", #"{"experiment_id":"\#(experiment)"}"#, as: "admin")
            .json?["run"]?["info"])
        let uri = try #require(info["artifact_uri"]?.stringValue)
        return (try #require(info["run_id"]?.stringValue), try ProxiedArtifactURI.destinationPath(of: uri))
    }

    func grant(_ user: String, _ experiment: String, _ level: Permission) throws {
        try auth.createGrant(username: user, .experiment, experiment, level)
    }
}

@Suite("Access: the artifact proxy reads the experiment that owns the path")
struct ArtifactOwnershipTests {
    // The review's repro (t5.py): a location that is no experiment id fell to the default permission.
    @Test func denyHoldsForAnExperimentWhoseLocationIsNotItsId() throws {
        let harness = try OwnedProxyHarness(defaultPermission: .read)
        let experiment = try harness.experiment("teamx", at: "mlflow-artifacts:/teamx-1")
        let run = try harness.run(in: experiment)
        #expect(run.path == "teamx-1/\(run.id)/artifacts")
        #expect(try harness.upload(run.path + "/secret.txt", "team x secret", as: "admin").status == 200)
        try harness.grant("bob", experiment, .deny)
        #expect(harness.api("GET", "/runs/get?run_id=\(run.id)", as: "bob").status == 403)
        let refusal = "Permission denied: there are no artifacts at '\(run.path)/secret.txt' you may see."
        expectError(harness.download(run.path + "/secret.txt", as: "bob"), 403, "PERMISSION_DENIED", refusal)
        for listed in [run.path, "teamx-1", "teamx-1/\(run.id)"] {
            let reply = harness.list(listed, as: "bob")
            #expect(reply.status == 403, "\(listed): \(reply.text)")
            #expect(!reply.text.contains("secret.txt"))
        }
        #expect(harness.send("POST", "/api/2.0/mlflow-artifacts/mpu/create/teamx-1",
                             #"{"path":"\#(run.id)/artifacts/x.bin","num_parts":1}"#, as: "bob").status == 403)
        #expect(harness.send("DELETE", "/api/2.0/mlflow-artifacts/artifacts/\(run.path)/secret.txt", as: "bob")
            .status == 403)
        // carol has no grant: the experiment's default READ lets her read, not write.
        let read = harness.download(run.path + "/secret.txt", as: "carol")
        #expect(read.status == 200, "\(read.text)")
        expectError(try harness.upload(run.path + "/more.txt", "x", as: "carol"), 403, "PERMISSION_DENIED",
                    "Permission denied: changing the artifacts of experiment \(experiment) needs EDIT permission; "
                    + "carol has READ.")
        try harness.grant("carol", experiment, .edit)
        #expect(try harness.upload(run.path + "/more.txt", "x", as: "carol").status == 200)
    }

    // The audit record of a proxied request names the experiment its check found owning the path.
    @Test func theAuditRecordNamesTheOwningExperiment() throws {
        let sink = RecordingAuditSink()
        let harness = try OwnedProxyHarness(defaultPermission: .read, audit: sink)
        let experiment = try harness.experiment("teamx", at: "mlflow-artifacts:/teamx-2")
        let run = try harness.run(in: experiment)
        #expect(try harness.upload(run.path + "/a.txt", "a", as: "admin").status == 200)
        #expect(harness.download(run.path + "/a.txt", as: "bob").status == 200)
        #expect(harness.download("orphan/none.txt", as: "bob").status == 403)
        let proxied = sink.all.filter { $0.route.contains("mlflow-artifacts") }
        #expect(proxied.map(\.resources.experimentId) == [experiment, experiment, nil])
        #expect(proxied.map(\.user) == ["admin", "bob", "bob"])
    }

    // Break-in review 2: a `..` hidden behind a combining mark or a Prepend character, which
    // Swift's split by Character did not see, wrote outside the destination; a Prepend character
    // before a `/` in one's own run answered 500.
    @Test func aSegmentHiddenInAGraphemeIsStillASegment() throws {
        let harness = try OwnedProxyHarness(defaultPermission: .noPermissions)
        let escape = harness.createExperiment("esc", at: "mlflow-artifacts:/../\u{301}Q", as: "bob")
        #expect(escape.status == 400 || escape.status == 403, "\(escape.text)")
        for target in ["%2E%2E/%CC%81Q", "..%2F%CC%81Q", "x%D8%80/../%CC%81Q"] {
            let file = harness.staging + "/upload-\(UUID().uuidString)"
            try Data("outside".utf8).write(to: URL(fileURLWithPath: file))
            for user in ["bob", "admin"] {
                let reply = Reply(harness.api.handle(HTTPRequest(
                    method: "PUT", target: "/api/2.0/mlflow-artifacts/artifacts/" + target,
                    headers: [(name: "Authorization", value: "Basic " + Data("\(user):\(AuthHarness.password(user))".utf8)
                        .base64EncodedString())], bodyFile: file)))
                #expect(reply.status == 400 || reply.status == 403, "\(user) \(target): \(reply.text)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: harness.directory.path + "/\u{301}Q"))
        // A name with a Prepend character before its `/` is an ordinary directory of one's own run.
        let own = try #require(harness.createExperiment("own", at: "mlflow-artifacts:/own-\(UUID().uuidString.prefix(8))",
                                                        as: "bob").json?["experiment_id"]?.stringValue)
        let run = try #require(harness.api("POST", "/runs/create", #"{"experiment_id":"\#(own)"}"#, as: "bob")
            .json?["run"]?["info"])
        let path = try ProxiedArtifactURI.destinationPath(of: try #require(run["artifact_uri"]?.stringValue))
        let stored = try harness.upload(path + "/d\u{600}/f.txt", "prepend", as: "bob")
        #expect(stored.status == 200, "\(stored.text)")
        let read = harness.download(path + "/d%D8%80/f.txt", as: "bob")
        #expect(read.status == 200, "\(read.text)")
        let onDisk = harness.directory.path + "/artifacts/" + path + "/d\u{600}/f.txt"
        #expect(FileManager.default.contents(atPath: onDisk) == Data("prepend".utf8))
    }

    // A path no experiment owns is the admin's alone, whatever the default permission allows.
    @Test func aPathNoExperimentOwnsIsRefusedToNonAdmins() throws {
        let harness = try OwnedProxyHarness(defaultPermission: .manage)
        #expect(try harness.upload("orphan/notes.txt", "admin's", as: "admin").status == 200)
        expectError(harness.download("orphan/notes.txt", as: "bob"), 403, "PERMISSION_DENIED",
                    "Permission denied: there are no artifacts at 'orphan/notes.txt' you may see.")
        #expect(try harness.upload("orphan/bob.txt", "bob's", as: "bob").status == 403)
        #expect(harness.list("", as: "bob").status == 403)
        #expect(harness.list("orphan", as: "bob").status == 403)
        #expect(harness.download("orphan/notes.txt", as: "admin").status == 200)
        // A location at the destination's root owns nothing (it would own every path).
        _ = try harness.experiment("root", at: "mlflow-artifacts:/")
        #expect(harness.download("orphan/notes.txt", as: "bob").status == 403)
    }

    // The longest location that is a prefix at a `/` owns the path; `_` and `%` are no wildcards.
    @Test func theInnermostLocationOwnsItsPart() throws {
        let harness = try OwnedProxyHarness(defaultPermission: .noPermissions)
        let outer = try harness.experiment("outer", at: "mlflow-artifacts:/shared")
        let inner = try harness.experiment("inner", at: "mlflow-artifacts:/shared/inner/")
        let wild = try harness.experiment("wild", at: "mlflow-artifacts:/team_%")
        for path in ["shared/a.txt", "shared/inner/b.txt", "shared/innerx/c.txt", "teamQQ/d.txt", "team_%/e.txt"] {
            #expect(try harness.upload(path, path, as: "admin").status == 200, "\(path)")
        }
        try harness.grant("bob", outer, .read)
        try harness.grant("bob", wild, .read)
        #expect(harness.download("shared/a.txt", as: "bob").status == 200)
        #expect(harness.download("shared/innerx/c.txt", as: "bob").status == 200)
        #expect(harness.download("shared/inner/b.txt", as: "bob").status == 403)
        #expect(harness.list("shared/inner", as: "bob").status == 403)
        #expect(harness.download("team_%/e.txt", as: "bob").status == 200)
        #expect(harness.download("teamQQ/d.txt", as: "bob").status == 403)
        try harness.grant("carol", inner, .read)
        #expect(harness.download("shared/inner/b.txt", as: "carol").status == 200)
        #expect(harness.download("shared/a.txt", as: "carol").status == 403)
        // The numeric layout too: an experiment an admin placed inside experiment 1's tree is its own.
        let one = try harness.experiment("one", at: nil)
        let nested = try harness.experiment("nested", at: "mlflow-artifacts:/\(one)/private")
        #expect(try harness.upload("\(one)/private/p.txt", "private", as: "admin").status == 200)
        #expect(try harness.upload("\(one)/open.txt", "open", as: "admin").status == 200)
        try harness.grant("bob", one, .read)
        #expect(harness.download("\(one)/open.txt", as: "bob").status == 200)
        #expect(harness.download("\(one)/private/p.txt", as: "bob").status == 403)
        try harness.grant("bob", nested, .read)
        #expect(harness.download("\(one)/private/p.txt", as: "bob").status == 200)
    }

    // A non-admin's new location may not overlap another experiment's: inside one, the inner owner
    // would read the outer one's files; around one, the files between.
    @Test func nonAdminsCannotPlaceALocationInsideAnother() throws {
        let harness = try OwnedProxyHarness(defaultPermission: .read)
        let victim = try harness.experiment("victim", at: nil)
        let run = try harness.run(in: victim)
        _ = try harness.experiment("team", at: "mlflow-artifacts:/team/inner")
        let overlapping = ["mlflow-artifacts:/\(run.path)", "mlflow-artifacts:/\(victim)",
                           "mlflow-artifacts:/./\(victim)//\(run.id)/", "mlflow-artifacts:/team",
                           "mlflow-artifacts:/team/inner/deeper", "mlflow-artifacts:/"]
        for (index, location) in overlapping.enumerated() {
            let reply = harness.createExperiment("bob-\(index)", at: location, as: "bob")
            expectError(reply, 403, "PERMISSION_DENIED", "Permission denied: the artifact location '\(location)' "
                        + "overlaps the artifacts of another experiment or names the whole artifact store; only an "
                        + "admin may choose it.")
        }
        #expect(harness.createExperiment("bob-bad", at: "mlflow-artifacts:/a/../\(victim)", as: "bob").status == 400)
        // Nor where a future experiment's default location will be: ids come in order, and
        // `<id>/models` taken now would own that experiment's logged models later.
        for location in ["mlflow-artifacts:/99", "mlflow-artifacts:/42/models", "mlflow-artifacts:/7/x/"] {
            expectError(harness.createExperiment("future-\(location.count)", at: location, as: "bob"), 403,
                        "PERMISSION_DENIED", "Permission denied: the artifact location '\(location)' lies where the server "
                        + "puts new experiments' artifacts (the default root, then an experiment id); only an admin may "
                        + "choose it.")
        }
        // A location of its own is fine, and its creator (MANAGE) uses it.
        let own = try #require(harness.createExperiment("bob-own", at: "mlflow-artifacts:/team2", as: "bob")
            .json?["experiment_id"]?.stringValue)
        let ownRun = try #require(harness.api("POST", "/runs/create", #"{"experiment_id":"\#(own)"}"#, as: "bob")
            .json?["run"]?["info"]?["run_id"]?.stringValue)
        #expect(try harness.upload("team2/\(ownRun)/artifacts/a.txt", "mine", as: "bob").status == 200)
        #expect(harness.download("team2/\(ownRun)/artifacts/a.txt", as: "bob").status == 200)
        // An admin may nest.
        #expect(harness.createExperiment("admin-nested", at: "mlflow-artifacts:/\(run.path)").status == 200)
    }

    // The owner's lookup failing refuses (503), never lets the request through.
    @Test func anOwnerLookupThatFailsRefuses() throws {
        let harness = try OwnedProxyHarness(defaultPermission: .manage)
        let experiment = try harness.experiment("x", at: "mlflow-artifacts:/x")
        _ = experiment
        try harness.store.database.write { try $0.executeScript("ALTER TABLE experiments RENAME TO experiments_gone") }
        let reply = harness.download("x/file.txt", as: "bob")
        #expect(reply.status == 503, "\(reply.text)")
        #expect(reply.errorCode == "TEMPORARILY_UNAVAILABLE")
        let created = harness.createExperiment("y", at: "mlflow-artifacts:/y", as: "bob")
        #expect(created.status == 503, "\(created.text)")
    }
}
