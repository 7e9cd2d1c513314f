import Testing
import TrackingCore

/// MLflow's `resolve_uri_if_local`, as its server applies it to a new experiment's artifact_location
/// (values checked against mlflow 3.17.2 with cwd /tmp/gaps-probe).
@Suite struct LocalURITests {
    @Test func relativeLocalLocationsBecomeAbsoluteAsPathlibJoinsThem() throws {
        let cwd = "/srv/work"
        for (given, expected) in [
            ("my_location", "/srv/work/my_location"),
            ("./a//b/", "/srv/work/a/b"),
            ("my%20loc", "/srv/work/my loc"),
            ("../up", "/srv/work/../up"),
            ("file:rel", "file:///srv/work/rel"),
            ("FILE:rel2", "file:///srv/work/FILE:rel2"),
            ("file:rel?x#y", "file:///srv/work/rel?x#y"),
            ("file://localhost/abs", "file://localhost/abs"),
            ("file:///abs", "file:///abs"),
            ("/abs/path", "/abs/path"),
            ("s3://bucket/rel", "s3://bucket/rel"),
            ("mlflow-artifacts:/rel", "mlflow-artifacts:/rel"),
        ] {
            #expect(try LocalURI.resolvedIfLocal(given, currentDirectory: cwd) == expected, "\(given)")
        }
        #expect(try LocalURI.resolvedIfLocal("x", currentDirectory: "/") == "/x")
    }

    @Test func aFileURINamingARemoteHostIsRefused() {
        #expect(throws: MLflowError.self) { try LocalURI.resolvedIfLocal("file://10.0.0.5/x", currentDirectory: "/srv") }
        #expect(!LocalURI.isLocal("file://example.com/x"))
        #expect(LocalURI.isLocal("file://LOCALHOST:80/x"))
    }
}

@Suite struct LoggedModelVersionsTagTests {
    @Test func versionsAreAppendedAsJSONDumpsWritesThem() {
        let first = LoggedModelVersionsTag.appending(name: "m", version: 1, to: nil)
        #expect(first == #"[{"name": "m", "version": 1}]"#)
        let second = LoggedModelVersionsTag.appending(name: "é", version: 2, to: first)
        #expect(second == #"[{"name": "m", "version": 1}, {"name": "\u00e9", "version": 2}]"#)
        #expect(LoggedModelVersionsTag.appending(name: "m", version: 1, to: second) == second)
        // The client's own entries (version as a string) are kept as they are.
        #expect(LoggedModelVersionsTag.appending(name: "m", version: 3, to: #"[{"name": "m", "version": "1"}]"#)
                == #"[{"name": "m", "version": "1"}, {"name": "m", "version": 3}]"#)
        #expect(LoggedModelVersionsTag.appending(name: "m", version: 4, to: "not json") == #"[{"name": "m", "version": 4}]"#)
    }
}
