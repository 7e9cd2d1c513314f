import API
import Audit
import Foundation
import HTTPTransport
import Lifecycle
import Observability
import SQL
import Storage
import TrackingCore
import Webhooks

/// `swiftrack server`: opens the store, serves HTTP until SIGINT/SIGTERM, then stops gracefully.
enum ServerCommand {
    static func run(_ options: ServerOptions) throws -> Int32 {
        let started = Date()
        MemoryPolicy.apply()
        blockTerminationSignals()
        let artifactRoot = ServerOptions.resolvedArtifactRoot(options.effectiveDefaultArtifactRoot)
        let artifacts = try ArtifactComposition.service(options)
        let opened = try DatabaseComposition.open(options.backendStoreURI, poolSize: options.dbPoolSize,
                                                  poolTimeoutSeconds: options.dbPoolTimeoutSeconds,
                                                  readers: min(max(2, options.http.workers), ServerOptions.sqliteReaders))
        let store: SQLTrackingStore
        do {
            store = try SQLTrackingStore(database: opened.database, defaultArtifactRoot: artifactRoot)
        } catch let error as SchemaOutOfDate {
            throw DatabaseComposition.outOfDate(error, uriText: options.backendStoreURI)
        }
        // `/version` answers the MLflow version whose API is served, as clients expect of it.
        Log.useJSON = options.logFormat == "json"
        let observability = APIObservability(
            metrics: ServerMetrics(version: SwiftrackVersion.current, mlflowVersion: SwiftrackVersion.mlflowCompatibility),
            log: RequestLog.Format(rawValue: options.logFormat).map { RequestLog(format: $0) },
            servesMetricsRoute: options.metricsPort == nil)
        observability.metrics.watchDiskSpace(DiskSpaceComposition.localStores(options))
        observability.metrics.observeHeap(MemoryPolicy.reading)
        opened.observe(observability.metrics)
        let stores = APIStores(store)
        let auth = try AuthComposition.accessControl(options, environment: ProcessInfo.processInfo.environment,
                                                     stores: stores)
        let audit = try AuditComposition.writer(options, metrics: observability.metrics.registry)
        let webhookStore = store.registryStore
        let sender = WebhookSender(policy: options.webhooks.policy, timeoutSeconds: options.webhooks.timeoutSeconds)
        let webhooks = WebhookService(store: webhookStore, sender: sender, dispatcher: WebhookDispatcher(
            store: webhookStore, sender: sender, retry: options.webhooks.retry, log: { Log.error($0) }))
        var parts = APIParts(stores: stores, version: SwiftrackVersion.mlflowCompatibility, artifacts: artifacts,
                             artifactsOnly: options.artifactsOnly, observability: observability,
                             access: auth?.0, transport: options.transport, audit: audit?.0, ui: options.ui,
                             webhooks: webhooks) { message in
            Log.error(message)
        }
        parts.sealWait = .seconds(options.sealWaitSeconds)
        parts.sealedCopyBytes = options.sealedCopyBytes
        let api = MLflowAPI(parts)
        let server = HTTPServer(configuration: options.http, handler: api)
        let metricsServer = options.metricsPort.map { port in
            var configuration = options.http
            configuration.port = port
            configuration.workers = 1
            return HTTPServer(configuration: configuration, handler: MetricsEndpoint(metrics: observability.metrics))
        }
        let retention = traceRetentionService(options, store: store, metrics: observability.metrics)
        let services = ServiceGroup(
            serviceOrder(opened: opened, auth: auth?.1, audit: audit, webhooks: webhooks, retention: retention,
                         metricsServer: metricsServer, server: server, grace: options.http.shutdownGraceSeconds),
            log: { Log.error($0) })
        try services.start()
        if let metricsServer {
            Log.info("metrics on \(options.scheme)://\(options.http.host):\(metricsServer.port ?? 0)/metrics")
        }
        let elapsed = Int(Date().timeIntervalSince(started) * 1000)
        Log.info("swiftrack \(SwiftrackVersion.current) listening on \(options.scheme)://\(options.http.host):\(server.port ?? 0) "
                 + "(store \(opened.description), artifact root \(artifactRoot), "
                 + "proxy \(options.serveArtifacts ? options.artifactsDestination : "off"), \(options.http.workers) workers, ready in \(elapsed) ms)")
        let signal = waitForTerminationSignal()
        Log.info("received signal \(signal), stopping: waiting for in-flight requests")
        services.stop()
        Log.info("stopped")
        return 0
    }

    /// The server's services in start order; they stop in reverse: the HTTP server drains its
    /// in-flight requests first (each has queued its audit record and published its events by the
    /// time it is answered), then the metrics server, the webhook threads, the audit writer
    /// flushes, the last checkpoint is written, and the databases close last.
    static func serviceOrder(opened: DatabaseComposition.Opened, auth: DatabaseComposition.Opened?,
                             audit: (AuditWriter, AuditComposition.Opened)?, webhooks: WebhookService?,
                             retention: (any Service)? = nil,
                             metricsServer: HTTPServer?, server: HTTPServer, grace: Double) -> [ServiceGroup.Member] {
        var members: [ServiceGroup.Member] = [
            .init(ClosureService("tracking database", stop: { _ in opened.close() }), stopBudget: .seconds(10)),
        ]
        if let upkeep = opened.upkeep { members.append(.init(upkeep, stopBudget: .seconds(5))) }
        members.append(.init(MemoryPolicy.trimmer(), stopBudget: .seconds(2)))
        if let auth {
            members.append(.init(ClosureService("auth database", stop: { _ in auth.close() }), stopBudget: .seconds(5)))
        }
        if let (writer, auditOpened) = audit {
            members.append(.init(ClosureService("audit database", stop: { _ in auditOpened.database.close() }),
                                 stopBudget: .seconds(5)))
            if let checkpointer = auditOpened.checkpointer { members.append(.init(checkpointer, stopBudget: .seconds(5))) }
            // Names the head once the writer has flushed: an anchor to keep elsewhere, which shows
            // whether records were later cut from the end.
            members.append(.init(ClosureService("audit head", stop: { _ in
                if let head = writer.head ?? (try? auditOpened.store.head()) {
                    Log.info("audit log flushed: chain head at record \(head.sequence) (hash \(head.hash))")
                }
            }), stopBudget: .seconds(5)))
            members.append(.init(writer, stopBudget: .seconds(30)))
        }
        if let webhooks { members.append(.init(webhooks.dispatcher, stopBudget: .seconds(5))) }
        // A pass in progress finishes its batch (one transaction) and stops before the database closes.
        if let retention { members.append(.init(retention, stopBudget: .seconds(10))) }
        if let metricsServer { members.append(.init(metricsServer, stopBudget: .seconds(grace + 5))) }
        members.append(.init(server, stopBudget: .seconds(grace + 5)))
        return members
    }

    /// Trace retention: a pass every `--trace-retention-interval` seconds over the experiments'
    /// `swiftrack.traceRetention` tags and the `--trace-retention` default, counted on /metrics.
    static func traceRetentionService(_ options: ServerOptions, store: SQLTrackingStore,
                                      metrics: ServerMetrics) -> any Service {
        let locator = (try? ArtifactComposition.factory()).map {
            ArtifactLocator(factory: $0, artifactsDestination: options.artifactsDestination)
        }
        let counted = MetricLabels([("reason", "retention")])
        let runner = TraceRetentionRunner(store: store.traceRetention, locator: locator,
                                          deleted: { metrics.tracesDeleted.increment(counted, by: Double($0)) },
                                          log: { Log.error($0) })
        let defaultMillis = options.traceRetention.defaultMillis
        return PeriodicService("trace-retention", interval: Double(options.traceRetention.intervalSeconds)) {
            do {
                let deleted = try runner.runPass(defaultMillis: defaultMillis,
                                                 now: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
                if deleted > 0 { Log.info("trace retention: deleted \(deleted) traces") }
            } catch {
                Log.error("trace retention pass failed: \((error as? MLflowError)?.message ?? "\(error)")")
            }
        }
    }

    private static func blockTerminationSignals() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }

    /// Blocks the calling thread until SIGINT or SIGTERM (blocked in every thread, so it queues here).
    private static func waitForTerminationSignal() -> Int32 {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        var received: Int32 = 0
        while sigwait(&signals, &received) != 0 {}
        return received
    }
}
