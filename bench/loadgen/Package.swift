// swift-tools-version:6.0
// The benchmark's load generator: a separate package, not part of Swiftrack's build.
import PackageDescription

let package = Package(
    name: "loadgen",
    platforms: [.macOS(.v15)],
    targets: [
        .executableTarget(
            name: "loadgen",
            path: "Sources/loadgen",
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]
        )
    ]
)
