import Auth
import Foundation
import JSON
import Storage
import Testing
import TrackingCore
@testable import API

/// Evaluation datasets take their experiments' permissions (docs/SECURITY.md): READ on one linked
/// experiment reads; EDIT (MANAGE to delete) is needed on every one; the experiments a create or
/// link names are read canonically by the rule and the handler alike.
@Suite("Access: evaluation datasets")
struct DatasetAccessTests {
    private func v3(_ harness: AuthHarness, _ method: String, _ path: String, _ body: String = "", as user: String) -> Reply {
        harness.send(method, "/api/3.0/mlflow/datasets" + path, body, as: user)
    }

    @Test func oneReadableExperimentReadsAndEveryOneMustAllowAChange() throws {
        let harness = try AuthHarness(defaultPermission: .noPermissions)
        try harness.addUser("u")
        let a = try harness.store.createExperiment(name: "a", artifactLocation: nil, tags: [])
        let b = try harness.store.createExperiment(name: "b", artifactLocation: nil, tags: [])
        let both = try harness.store.createDataset(name: "both", experimentIds: [a, b], tags: []).datasetId
        let orphan = try harness.store.createDataset(name: "orphan", experimentIds: [], tags: []).datasetId
        let tags = #"{"tags":"{\"k\": \"v\"}"}"#

        // Nothing granted: refused as an unknown dataset is, with the same words.
        let hidden = v3(harness, "GET", "/\(both)", as: "u")
        let unknown = v3(harness, "GET", "/d-unknown", as: "u")
        #expect(hidden.status == 403 && unknown.status == 403)
        #expect(hidden.json?["message"] == .string("Permission denied: there is no dataset \(both) you may see."))

        try harness.auth.createGrant(username: "u", .experiment, a, .edit)
        #expect(v3(harness, "GET", "/\(both)", as: "u").status == 200)
        #expect(v3(harness, "GET", "/\(both)/records", as: "u").status == 200)
        // EDIT on one of its two experiments changes nothing: the other needs it too.
        let change = v3(harness, "PATCH", "/\(both)/tags", tags, as: "u")
        #expect(change.status == 403)
        #expect(change.json?["message"] == .string(
            "Permission denied: changing dataset \(both) needs EDIT permission on each of its experiments; "
            + "u has NO_PERMISSIONS on experiment \(b)."))
        try harness.auth.createGrant(username: "u", .experiment, b, .read)
        #expect(v3(harness, "PATCH", "/\(both)/tags", tags, as: "u").status == 403)
        try harness.auth.updateGrant(username: "u", .experiment, b, .edit)
        #expect(v3(harness, "PATCH", "/\(both)/tags", tags, as: "u").status == 200)
        #expect(v3(harness, "DELETE", "/\(both)", as: "u").status == 403)
        // A dataset linked to no experiment is the admins'.
        #expect(v3(harness, "GET", "/\(orphan)", as: "u").status == 403)
        #expect(v3(harness, "GET", "/\(orphan)", as: "admin").status == 200)
        #expect(v3(harness, "POST", "/create", #"{"name":"n"}"#, as: "u").status == 403)
        #expect(v3(harness, "POST", "/create", #"{"name":"n"}"#, as: "admin").status == 200)
    }

    /// `007` is experiment 7 to the store: the rule must judge experiment 7, not a resource named `007`.
    @Test func anExperimentIdSpelledAnotherWayIsJudgedAsTheOneLinked() throws {
        let harness = try AuthHarness(defaultPermission: .edit)
        try harness.addUser("u")
        let open = try harness.store.createExperiment(name: "open", artifactLocation: nil, tags: [])
        let closed = try harness.store.createExperiment(name: "closed", artifactLocation: nil, tags: [])
        try harness.auth.createGrant(username: "u", .experiment, closed, .deny)
        for spelling in ["00\(closed)", " \(closed)", "+\(closed)"] {
            let created = v3(harness, "POST", "/create", #"{"name":"n","experiment_ids":["\#(open)","\#(spelling)"]}"#, as: "u")
            #expect(created.status == 403, "\(spelling)")
        }
        let dataset = try #require(v3(harness, "POST", "/create", #"{"name":"n","experiment_ids":["\#(open)"]}"#, as: "u")
            .json?["dataset"]?["dataset_id"]?.stringValue)
        #expect(v3(harness, "POST", "/\(dataset)/add-experiments", #"{"experiment_ids":["0\#(closed)"]}"#, as: "u").status == 403)
        #expect(try harness.store.datasetExperimentIds(id: dataset) == [open])
        #expect(v3(harness, "POST", "/create", #"{"name":"n","experiment_ids":["x7"]}"#, as: "u").status == 400)
    }
}
