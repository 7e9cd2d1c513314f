// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "swiftrack",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "swiftrack", targets: ["swiftrack"]),
    ],
    targets: [
        // System-library shims: module map + header only.
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd",
                       providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CMariaDB", pkgConfig: "libmariadb",
                       providers: [.apt(["libmariadb-dev"])]),
        .systemLibrary(name: "CLDAP", pkgConfig: "ldap",
                       providers: [.apt(["libldap-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        // glibc's <malloc.h> (mallopt, malloc_trim): the server's memory policy.
        .systemLibrary(name: "CMalloc"),

        // Services with threads of their own (start; stop within a deadline) and the group that starts
        // them in order and stops them in reverse. Depends on nothing, so every owner of a service can.
        .target(name: "Lifecycle"),
        // The owner of a temporary file, which removes it when the last holder lets go. Depends on
        // nothing, so the transport (which sends such files) and the artifact stores (which make them) share it.
        .target(name: "TemporaryFiles"),
        // A small, fast JSON value type, parser and writer (no Foundation).
        .target(name: "JSON"),
        // Percent-decoding of paths and query strings, shared by the HTTP layer and artifact paths.
        .target(name: "URLCoding"),
        // A GraphQL reader, validator and executor over JSON values (MLflow's UI speaks it); knows no HTTP.
        .target(name: "GraphQL", dependencies: ["JSON"]),
        // A strict reader of OTLP trace export requests (protobuf wire format and OTLP/JSON); knows no HTTP.
        .target(name: "OTLP", dependencies: ["JSON"]),
        // zlib's inflate with an output ceiling, for bodies sent gzip- or deflate-encoded (OTLP).
        .target(name: "Compression", dependencies: ["CZlib"]),
        // libmicrohttpd wrapper; knows nothing of MLflow.
        .target(name: "HTTPTransport", dependencies: ["CMicroHTTPD", "URLCoding", "Lifecycle", "TemporaryFiles"]),
        // The domain: pure Swift, no I/O.
        .target(name: "TrackingCore", dependencies: ["JSON"]),
        // Hashes, HMAC, base64, hex and RSA signatures over libcrypto (artifact stores' signing, passwords).
        .target(name: "Crypto", dependencies: ["COpenSSL"]),
        // The SQL core: what a store sees of a database (connections, rows, values, errors, the
        // connection pool, DatabaseURI, the dialect and its upsert spellings, generic migrations).
        // No C driver, so Auth and Audit need only this.
        .target(name: "SQL", dependencies: ["TrackingCore", "URLCoding"]),
        // One target per engine over the core and its C driver; only the composition root (and
        // tests) know all three.
        .target(name: "SQLiteEngine", dependencies: ["SQL", "TrackingCore", "CSQLite", "Lifecycle"]),
        .target(name: "PostgreSQLEngine", dependencies: ["SQL", "TrackingCore", "CPostgres", "Lifecycle"]),
        .target(name: "MySQLEngine", dependencies: ["SQL", "TrackingCore", "CMariaDB"]),
        // The tracking, registry, webhook and gc stores over the SQL core; their schema, search
        // compilers and importers. Knows no engine.
        .target(name: "Storage", dependencies: ["TrackingCore", "SQL", "JSON", "Crypto"]),
        // A blocking libcurl client streaming bodies from and to files, for every outbound request
        // (object stores, webhooks, the identity provider). Named apart from its HTTPClient type so
        // the type does not shadow the module.
        .target(name: "OutboundHTTP", dependencies: ["CCurl"]),
        // Artifact repositories (local disk, object stores) and artifact path safety.
        .target(name: "Artifacts", dependencies: ["TrackingCore", "JSON", "URLCoding", "OutboundHTTP", "COpenSSL", "Crypto",
                                                 "TemporaryFiles"]),
        // Users, roles and grants (their own database), password hashing, permission rules; sign-in
        // through OIDC tokens and LDAP binds.
        .target(name: "Auth", dependencies: ["TrackingCore", "JSON", "SQL", "Crypto", "CLDAP", "URLCoding"]),
        // Metrics registry and Prometheus exposition, request logs.
        .target(name: "Observability"),
        // The tamper-evident audit log: hash chain, verification, batching queue, SQL store, writer thread.
        .target(name: "Audit", dependencies: ["Observability", "SQL", "Crypto", "JSON", "TrackingCore", "Lifecycle"]),
        // Registry webhooks: delivery (dispatcher threads, signed sends through the address policy,
        // MLflow's payload bytes); the routes and the registry's events stay in API.
        .target(name: "Webhooks", dependencies: ["OutboundHTTP", "Storage", "TrackingCore", "Crypto", "JSON", "Lifecycle"]),
        // Routes and handlers: JSON <-> domain <-> stores.
        .target(name: "API", dependencies: ["HTTPTransport", "GraphQL", "TrackingCore", "Storage", "Artifacts", "JSON", "URLCoding",
                                           "Observability", "Auth", "Webhooks", "OTLP", "Compression", "TemporaryFiles"]),
        // The built-in browser UI: web/'s files, embedded at build time by EmbedWebPlugin, served as a WebSite.
        .target(name: "WebUI", dependencies: ["HTTPTransport"], plugins: ["EmbedWebPlugin"]),
        // The build-tool plugin that lists web/'s files (its inputs) and runs EmbedWeb, the host tool
        // that writes them as the Swift table WebUI compiles. Neither is linked into swiftrack.
        .executableTarget(name: "EmbedWeb"),
        .plugin(name: "EmbedWebPlugin", capability: .buildTool(), dependencies: ["EmbedWeb"]),
        // The composition root: command-line parsing, the commands and the wiring of every part. A
        // library, so its tests can import it.
        .target(name: "SwiftrackCommands", dependencies: ["API", "WebUI", "HTTPTransport", "Storage", "Artifacts", "TrackingCore",
                                                         "Observability", "Auth", "Audit", "URLCoding", "SQL",
                                                         "SQLiteEngine", "PostgreSQLEngine", "MySQLEngine", "OutboundHTTP",
                                                         "Webhooks", "Lifecycle", "CMalloc"]),
        // The executable: main.swift hands the process's arguments to SwiftrackCommands.
        .executableTarget(name: "swiftrack", dependencies: ["SwiftrackCommands"]),

        .testTarget(name: "LifecycleTests", dependencies: ["Lifecycle"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "GraphQLTests", dependencies: ["GraphQL", "JSON"]),
        // Fixtures/make_fixtures.py writes OTLPFixtures.swift with the real protobuf library.
        .testTarget(name: "CompressionTests", dependencies: ["Compression", "CZlib"]),
        .testTarget(name: "OTLPTests", dependencies: ["OTLP", "JSON"], exclude: ["Fixtures"]),
        .testTarget(name: "URLCodingTests", dependencies: ["URLCoding"]),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
        .testTarget(name: "HTTPTransportTests", dependencies: ["HTTPTransport", "Lifecycle", "TemporaryFiles"]),
        .testTarget(name: "ObservabilityTests", dependencies: ["Observability"]),
        .testTarget(name: "OutboundHTTPTests", dependencies: ["OutboundHTTP"]),
        .testTarget(name: "ArtifactsTests", dependencies: ["Artifacts", "OutboundHTTP", "TrackingCore", "Crypto"]),
        .testTarget(name: "WebhooksTests", dependencies: ["Webhooks", "TrackingCore", "JSON"]),
        .testTarget(name: "TrackingCoreTests", dependencies: ["TrackingCore"]),
        // Also the auth and audit stores on every engine (they need the engines' test servers).
        // Schema/Snapshots holds the schema snapshot test's expected text, read through #filePath.
        .testTarget(name: "StorageTests", dependencies: ["Storage", "TrackingCore", "Auth", "Audit", "Observability", "SQL",
                                                      "SQLiteEngine", "PostgreSQLEngine", "MySQLEngine"],
                    exclude: ["Schema/Snapshots"]),
        // The audit chain, verifier, queue policy and writer, without a database.
        .testTarget(name: "AuditTests", dependencies: ["Audit", "Observability"]),
        .testTarget(name: "AuthTests", dependencies: ["Auth", "SQLiteEngine", "TrackingCore", "Crypto", "JSON"]),
        .testTarget(name: "APITests", dependencies: ["API", "Webhooks", "GraphQL", "HTTPTransport", "Storage", "Artifacts",
                                                  "TrackingCore", "JSON", "Auth", "Observability", "SQLiteEngine", "OTLP",
                                                  "TemporaryFiles"]),
        // Also EmbedWeb's literal quoting (the generator is a testable executable).
        .testTarget(name: "WebUITests", dependencies: ["WebUI", "EmbedWeb", "API", "HTTPTransport", "Storage"]),
        // Server options parsing, the gc artifact locator on real repositories, gc on a SQLite store.
        .testTarget(name: "SwiftrackCommandsTests", dependencies: ["SwiftrackCommands", "Artifacts", "HTTPTransport", "Storage",
                                                                  "TrackingCore", "SQL", "CMalloc"]),
    ]
)

// Every Swift target: an existential is written `any P` (its cost visible where it is paid), and an
// import is internal unless a target says `public import`, so no module (above all a C shim's types)
// leaks through another's interface without saying so.
for target in package.targets where target.type != .system && target.type != .plugin {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .treatWarning("ExistentialAny", as: .error),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ]
}
