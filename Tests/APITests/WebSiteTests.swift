import Foundation
import HTTPTransport
import SQLiteEngine
import Storage
import Testing
@testable import API

@Suite("API: the browser UI's files")
struct WebSiteTests {
    /// A folder shaped like MLflow's built UI, with a secret beside it and a link out of it.
    private func folder() throws -> (root: String, outside: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ui-\(UUID().uuidString)").path
        let root = base + "/build"
        try FileManager.default.createDirectory(atPath: root + "/static/js", withIntermediateDirectories: true)
        try "<html>ui</html>".write(toFile: root + "/index.html", atomically: true, encoding: .utf8)
        try "console.log(1)".write(toFile: root + "/static/js/main.js", atomically: true, encoding: .utf8)
        try "hidden".write(toFile: root + "/.env", atomically: true, encoding: .utf8)
        try "secret".write(toFile: base + "/secret.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root + "/escape.txt", withDestinationPath: base + "/secret.txt")
        return (root, base)
    }

    private func get(_ site: DirectoryWebSite, _ name: String) -> HTTPResponse? {
        site.file(name, request: HTTPRequest(method: "GET", target: "/static-files/" + name))
    }

    @Test func servesThePageAndItsFilesWithTypesAndCaching() throws {
        let (root, _) = try folder()
        let site = try #require(DirectoryWebSite(root: root))
        let page = try #require(get(site, "index.html"))
        #expect(page.status == 200 && page.file?.length == 15)
        #expect(page.headers.contains { $0 == ("Content-Type", "text/html; charset=utf-8") })
        #expect(page.headers.contains { $0 == ("Cache-Control", "no-cache") })
        let script = try #require(get(site, "static/js/main.js"))
        #expect(script.headers.contains { $0 == ("Content-Type", "text/javascript; charset=utf-8") })
        #expect(script.headers.contains { $0 == ("Cache-Control", "public, max-age=3600") })
        #expect(script.file?.path.hasSuffix("/build/static/js/main.js") == true)
    }

    @Test func nothingOutsideTheFolderNorHiddenIsServed() throws {
        let (root, _) = try folder()
        let site = try #require(DirectoryWebSite(root: root))
        for name in ["../secret.txt", "static/../../secret.txt", "/etc/passwd", ".env", "static/./js/main.js",
                     "escape.txt", "static", "static/js/", "", "static//js/main.js", "static\\js\\main.js", "missing.js"] {
            #expect(get(site, name) == nil, "\(name) was served")
        }
    }

    @Test func aFolderWithoutAPageIsNoUI() throws {
        let (_, outside) = try folder()
        #expect(DirectoryWebSite(root: outside) == nil)
        #expect(DirectoryWebSite(root: "/nonexistent/build") == nil)
    }

    @Test func theInstalledWheelsUIIsFoundFromTheVirtualEnvironment() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("venv-\(UUID().uuidString)").path
        let build = base + "/lib/python3.11/site-packages/mlflow/server/js/build"
        try FileManager.default.createDirectory(atPath: build, withIntermediateDirectories: true)
        try "<html/>".write(toFile: build + "/index.html", atomically: true, encoding: .utf8)
        let elsewhere = base + "/no-project"
        #expect(DirectoryWebSite.findInstalledMLflowUI(environment: ["VIRTUAL_ENV": base, "PATH": ""],
                                                       currentDirectory: elsewhere) == build)
        #expect(DirectoryWebSite.findInstalledMLflowUI(environment: ["PATH": base + "/bin"],
                                                       currentDirectory: elsewhere) == build)
    }

    @Test func theProjectsVenvIsLookedInAndEveryPlaceLookedInIsNamed() throws {
        // `make serve` installs mlflow into the project's .venv, which is not activated when the
        // server starts from the project directory.
        let project = FileManager.default.temporaryDirectory.appendingPathComponent("project-\(UUID().uuidString)").path
        let build = project + "/.venv/lib/python3.11/site-packages/mlflow/server/js/build"
        try FileManager.default.createDirectory(atPath: build, withIntermediateDirectories: true)
        try "<html/>".write(toFile: build + "/index.html", atomically: true, encoding: .utf8)
        #expect(DirectoryWebSite.findInstalledMLflowUI(environment: ["PATH": ""], currentDirectory: project) == build)
        let places = DirectoryWebSite.mlflowUISearchedPlaces(environment: ["VIRTUAL_ENV": "/opt/env", "PATH": "/opt/py/bin:/usr/bin"],
                                                             currentDirectory: "/srv/app")
        #expect(places == [
            "/opt/env/lib/python3*/{site,dist}-packages/mlflow/server/js/build",
            "/srv/app/.venv/lib/python3*/{site,dist}-packages/mlflow/server/js/build",
            "/opt/py/lib/python3*/{site,dist}-packages/mlflow/server/js/build",
            "/usr/lib/python3*/{site,dist}-packages/mlflow/server/js/build",
            "/usr/local/lib/python3*/{site,dist}-packages/mlflow/server/js/build",
            "/usr/lib/python3/dist-packages/mlflow/server/js/build",
        ])
    }

    @Test func theAPIAnswersThePageAndFilesAndLeavesOtherPathsToTheRoutes() throws {
        let (root, _) = try folder()
        let site = try #require(DirectoryWebSite(root: root))
        let database = try SQLiteDatabase.temporary(readerCount: 1)
        let store = try SQLTrackingStore(database: database, defaultArtifactRoot: "/tmp/x")
        let api = MLflowAPI(APIParts(stores: APIStores(store), version: "test", ui: site))
        #expect(api.handle(HTTPRequest(method: "GET", target: "/")).file?.path.hasSuffix("/index.html") == true)
        #expect(api.handle(HTTPRequest(method: "GET", target: "/static-files/static/js/main.js")).status == 200)
        #expect(api.handle(HTTPRequest(method: "GET", target: "/static-files/..%2fsecret.txt")).status == 404)
        #expect(api.handle(HTTPRequest(method: "POST", target: "/")).status != 200)
        #expect(api.handle(HTTPRequest(method: "GET", target: "/api/2.0/mlflow/experiments/search?max_results=1"))
            .status == 200)
        let none = MLflowAPI(APIParts(stores: APIStores(store), version: "test"))
        #expect(none.handle(HTTPRequest(method: "GET", target: "/")).status == 404)
    }
}
