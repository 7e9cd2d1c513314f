import Testing
import TrackingCore

/// The seal's manifest (its canonical text is what the digest covers), the comparison of a store's
/// files with it, and which sealed version a write touches.
@Suite("Sealed versions: manifest, verification, sealed areas")
struct SealManifestTests {
    private let a = String(repeating: "a", count: 64)
    private let b = String(repeating: "b", count: 64)
    private let c = String(repeating: "c", count: 64)

    @Test func theCanonicalTextIsSortedByBytesAndReadBack() throws {
        // "Z" (0x5A) sorts before "a" (0x61), and "é" (0xC3 0xA9) after both: bytes, not Characters.
        let manifest = try SealManifest(files: [
            .init(path: "model/é.txt", size: 2, sha256: c),
            .init(path: "model/model.pkl", size: 10, sha256: a),
            .init(path: "MLmodel", size: 3, sha256: b),
            .init(path: "model/Z", size: 0, sha256: a),
        ])
        #expect(manifest.canonicalText == """
            swiftrack-seal-manifest 1
            \(b) 3 MLmodel
            \(a) 0 model/Z
            \(a) 10 model/model.pkl
            \(c) 2 model/é.txt

            """)
        #expect(try SealManifest(parsing: manifest.canonicalText) == manifest)
        #expect(manifest.file(at: "model/model.pkl")?.size == 10)
        #expect(manifest.file(at: "model/e\u{301}.txt") == nil)  // canonically equal, other bytes
        #expect(manifest.file(at: "model") == nil)
        #expect(manifest.totalBytes == 15)
        #expect(try SealManifest(files: []).canonicalText == "swiftrack-seal-manifest 1\n")
    }

    @Test func pathsTheTextCannotCarryAndRepeatsAreRefused() throws {
        for path in ["", "/etc/passwd", "a/../b", "./a", "a//b", "a\nb", "a\\b", "a/", "x\u{7F}"] {
            #expect(throws: MLflowError.self, "\(path.debugDescription)") {
                try SealManifest(files: [.init(path: path, size: 1, sha256: a)])
            }
        }
        #expect(throws: MLflowError.self) {
            try SealManifest(files: [.init(path: "x", size: 1, sha256: a), .init(path: "x", size: 1, sha256: b)])
        }
        #expect(throws: MLflowError.self) { try SealManifest(files: [.init(path: "x", size: 1, sha256: "A" + a.dropFirst())]) }
        #expect(throws: MLflowError.self) { try SealManifest(files: [.init(path: "x", size: -1, sha256: a)]) }
    }

    @Test func aStoredManifestThatIsNotCanonicalIsRefused() throws {
        let good = "swiftrack-seal-manifest 1\n\(a) 1 x\n\(b) 2 y\n"
        #expect(try SealManifest(parsing: good).files.count == 2)
        for bad in ["swiftrack-seal-manifest 1\n\(b) 2 y\n\(a) 1 x\n",  // out of order
                    "swiftrack-seal-manifest 1\n\(a) 1 x",               // no final newline
                    "swiftrack-seal-manifest 2\n\(a) 1 x\n",
                    "swiftrack-seal-manifest 1\n\(a)  1 x\n",
                    "swiftrack-seal-manifest 1\n\(a) +1 x\n"] {
            #expect(throws: MLflowError.self, "\(bad.debugDescription)") { try SealManifest(parsing: bad) }
        }
    }

    @Test func verificationNamesChangedMissingAndAddedFiles() throws {
        let manifest = try SealManifest(files: [.init(path: "MLmodel", size: 3, sha256: b),
                                                .init(path: "model.pkl", size: 10, sha256: a),
                                                .init(path: "conda.yaml", size: 5, sha256: c)])
        #expect(SealVerification.compare(manifest, found: manifest.files.reversed()).isEmpty)
        let found: [SealManifest.File] = [.init(path: "model.pkl", size: 10, sha256: c),
                                          .init(path: "MLmodel", size: 3, sha256: b),
                                          .init(path: "extra.py", size: 1, sha256: a)]
        #expect(SealVerification.compare(manifest, found: found) == [
            .missing(path: "conda.yaml"),
            .added(path: "extra.py"),
            .changed(path: "model.pkl", sealed: .init(path: "model.pkl", size: 10, sha256: a),
                     found: .init(path: "model.pkl", size: 10, sha256: c)),
        ])
        // The same bytes with another size are a change too.
        #expect(SealVerification.compare(.init(path: "x", size: 1, sha256: a), found: .init(path: "x", size: 2, sha256: a))
                != nil)
    }

    @Test func aWriteTouchesASealedAreaWithinItOrAboveIt() {
        let seal = SealedLocation(name: "churn", version: "2", location: "mlflow-artifacts:/1/r/artifacts/model")
        let sealed = [(seal: seal, key: "mlflow-artifacts:/1/r/artifacts/model/")]
        #expect(SealedArea.touching("mlflow-artifacts:/1/r/artifacts/model/model.pkl", sealed) == seal)
        #expect(SealedArea.touching("mlflow-artifacts:/1/r/artifacts/model", sealed) == seal)
        #expect(SealedArea.touching("mlflow-artifacts:/1/r", sealed) == seal)          // deleting a parent
        #expect(SealedArea.touching("mlflow-artifacts:/", sealed) == seal)             // the whole destination
        #expect(SealedArea.touching("mlflow-artifacts:/1/r/artifacts/model2/x", sealed) == nil)
        #expect(SealedArea.touching("mlflow-artifacts:/1/r/artifacts/other.txt", sealed) == nil)
        #expect(SealedArea.touching("/1/r/artifacts/model/model.pkl", sealed) == nil)
    }

    @Test func clientsMayNotUseTheSealTags() throws {
        for key in ["swiftrack.seal.digest", "SWIFTRACK.SEAL.approver", "swiftrack.seal.anything"] {
            #expect(throws: MLflowError.self) { try ModelVersionSeal.refuseClientTag(key) }
        }
        try ModelVersionSeal.refuseClientTag("swiftrack.sealed")
        try ModelVersionSeal.refuseClientTag("seal.digest")
    }
}
