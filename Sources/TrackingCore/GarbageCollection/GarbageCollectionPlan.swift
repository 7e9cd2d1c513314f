/// What `swiftrack gc` deletes and keeps, decided from an inventory without I/O. `mlflow gc`'s
/// rules: each kind defaults to everything eligible unless the caller names ids; a named id must
/// exist, be deleted and (with `--older-than`) be old enough, else the whole run is an error;
/// runs are old enough when deleted at or before the cutoff, logged models when last updated at or
/// before it, experiments when last updated before it. Beyond MLflow: whatever a registered model
/// version points to is kept, and an experiment is kept while it holds anything that stays.
public struct GarbageCollectionPlan: Sendable, Equatable {
    /// Something left in place, and why.
    public struct Kept: Sendable, Equatable {
        public enum Kind: String, Sendable { case run, loggedModel = "logged model", experiment }
        public var kind: Kind
        public var id: String
        public var reason: String
        public init(kind: Kind, id: String, reason: String) {
            self.kind = kind
            self.id = id
            self.reason = reason
        }
    }

    /// In deletion order: runs, then logged models, then the experiments they emptied.
    public var runs: [GarbageCollectionInventory.Run] = []
    public var loggedModels: [GarbageCollectionInventory.LoggedModel] = []
    public var experiments: [GarbageCollectionInventory.Experiment] = []
    public var kept: [Kept] = []

    public init(runs: [GarbageCollectionInventory.Run] = [], loggedModels: [GarbageCollectionInventory.LoggedModel] = [],
                experiments: [GarbageCollectionInventory.Experiment] = [], kept: [Kept] = []) {
        self.runs = runs
        self.loggedModels = loggedModels
        self.experiments = experiments
        self.kept = kept
    }

    public var isEmpty: Bool { runs.isEmpty && loggedModels.isEmpty && experiments.isEmpty }

    public static func make(_ inventory: GarbageCollectionInventory,
                            _ request: GarbageCollectionRequest) throws(MLflowError) -> GarbageCollectionPlan {
        var planner = Planner(inventory: inventory, request: request)
        return try planner.plan()
    }
}

/// The steps of `GarbageCollectionPlan.make`, sharing the lookups.
private struct Planner {
    let inventory: GarbageCollectionInventory
    let request: GarbageCollectionRequest
    let references: VersionIndex
    /// Every run and logged model of each experiment in the inventory.
    let runsByExperiment: [String: [GarbageCollectionInventory.Run]]
    let modelsByExperiment: [String: [GarbageCollectionInventory.LoggedModel]]
    var result = GarbageCollectionPlan()

    init(inventory: GarbageCollectionInventory, request: GarbageCollectionRequest) {
        self.inventory = inventory
        self.request = request
        references = VersionIndex(inventory.versions)
        runsByExperiment = Dictionary(grouping: inventory.runs, by: \.experimentId)
        modelsByExperiment = Dictionary(grouping: inventory.loggedModels, by: \.experimentId)
    }

    private var olderThanText: String { request.olderThan?.text ?? "" }

    mutating func plan() throws(MLflowError) -> GarbageCollectionPlan {
        let experiments = try chooseExperiments()
        let experimentIds = Set(experiments.map(\.experimentId))
        var runs = try chooseRuns()
        var chosenRuns = Set(runs.map(\.runId))
        // An experiment goes with all its deleted runs, whatever their own age (mlflow gc adds them too),
        // and its logged models, deleted or not (MLflow's schema cascades them with the experiment):
        // provisionally, until it is known whether the experiment can go.
        var provisional = Set<String>()
        for run in inventory.runs where experimentIds.contains(run.experimentId) && run.lifecycleStage == .deleted
            && chosenRuns.insert(run.runId).inserted {
            runs.append(run)
            provisional.insert(run.runId)
        }
        var models = try chooseLoggedModels()
        var chosenModels = Set(models.map(\.modelId))
        for model in inventory.loggedModels where experimentIds.contains(model.experimentId)
            && chosenModels.insert(model.modelId).inserted {
            models.append(model)
            provisional.insert(model.modelId)
        }
        runs = runs.filter { run in
            guard let version = protectingVersion(id: run.runId, location: run.artifactURI, isRun: true) else { return true }
            result.kept.append(.init(kind: .run, id: run.runId, reason: Self.pointsTo(version)))
            return false
        }
        models = models.filter { model in
            guard let version = protectingVersion(id: model.modelId, location: model.artifactLocation, isRun: false) else {
                return true
            }
            result.kept.append(.init(kind: .loggedModel, id: model.modelId, reason: Self.pointsTo(version)))
            return false
        }
        chosenRuns = Set(runs.map(\.runId))
        chosenModels = Set(models.map(\.modelId))
        var keptExperiments = Set<String>()
        result.experiments = experiments.filter { experiment in
            let id = experiment.experimentId
            if let run = runsByExperiment[id, default: []].first(where: { !chosenRuns.contains($0.runId) }) {
                result.kept.append(.init(kind: .experiment, id: id, reason: run.lifecycleStage == .deleted
                    ? "it holds run \(run.runId), which is kept" : "it holds run \(run.runId), which is not deleted"))
                keptExperiments.insert(id)
                return false
            }
            if let model = modelsByExperiment[id, default: []].first(where: { !chosenModels.contains($0.modelId) }) {
                result.kept.append(.init(kind: .experiment, id: id, reason: "it holds logged model \(model.modelId), which is kept"))
                keptExperiments.insert(id)
                return false
            }
            return true
        }
        // What only an experiment that stays brought in stays with it.
        result.runs = runs.filter { !(provisional.contains($0.runId) && keptExperiments.contains($0.experimentId)) }
        result.loggedModels = models.filter {
            !(provisional.contains($0.modelId) && keptExperiments.contains($0.experimentId))
        }
        chosenRuns = Set(result.runs.map(\.runId))
        chosenModels = Set(result.loggedModels.map(\.modelId))
        // A deletion too recent on its own still goes with its experiment: it is not kept then.
        result.kept.removeAll { kept in
            (kept.kind == .run && chosenRuns.contains(kept.id))
                || (kept.kind == .loggedModel && chosenModels.contains(kept.id))
        }
        return result
    }

    // MARK: - Each kind: the named ids, checked, or everything eligible

    private mutating func chooseExperiments() throws(MLflowError) -> [GarbageCollectionInventory.Experiment] {
        let cutoff = request.cutoff
        func oldEnough(_ experiment: GarbageCollectionInventory.Experiment) -> Bool {
            guard request.olderThan != nil else { return true }
            guard let time = experiment.lastUpdateTime else { return false }
            return time < cutoff
        }
        guard let named = request.experimentIds else {
            return inventory.experiments.filter { experiment in
                guard experiment.lifecycleStage == .deleted else { return false }
                if oldEnough(experiment) { return true }
                result.kept.append(.init(kind: .experiment, id: experiment.experimentId, reason: tooRecent))
                return false
            }
        }
        var chosen: [GarbageCollectionInventory.Experiment] = []
        for id in Self.unique(named) {
            guard let experiment = inventory.experiments.first(where: { $0.experimentId == id }) else {
                throw .notFound("No Experiment with id=\(id) exists")
            }
            chosen.append(experiment)
        }
        let active = chosen.filter { $0.lifecycleStage != .deleted }.map(\.experimentId)
        if !active.isEmpty {
            throw .invalidParameter("Experiments \(Self.pythonList(active)) are not in the deleted lifecycle stage. "
                + "Only experiments in the deleted lifecycle stage can be hard-deleted.")
        }
        let young = chosen.filter { !oldEnough($0) }.map(\.experimentId)
        if !young.isEmpty {
            throw .invalidParameter("Experiments \(Self.pythonList(young)) are not older than the required age. "
                + "Only experiments older than \(olderThanText) can be deleted.")
        }
        return chosen
    }

    private mutating func chooseRuns() throws(MLflowError) -> [GarbageCollectionInventory.Run] {
        let cutoff = request.cutoff
        func oldEnough(_ run: GarbageCollectionInventory.Run) -> Bool {
            guard let time = run.deletedTime else { return false }
            return time <= cutoff
        }
        guard let named = request.runIds else {
            return inventory.runs.filter { run in
                guard run.lifecycleStage == .deleted else { return false }
                if oldEnough(run) { return true }
                result.kept.append(.init(kind: .run, id: run.runId, reason: run.deletedTime == nil
                    ? "no deletion time is recorded; name it with --run-ids to delete it" : tooRecent))
                return false
            }
        }
        var chosen: [GarbageCollectionInventory.Run] = []
        for id in Self.unique(named) {
            guard let run = inventory.runs.first(where: { $0.runId == id }) else {
                throw .notFound("Run with id=\(id) not found")
            }
            guard run.lifecycleStage == .deleted else {
                throw .invalidParameter("Run \(id) is not in `deleted` lifecycle stage. Only runs in "
                    + "`deleted` lifecycle stage can be deleted.")
            }
            if request.olderThan != nil, !oldEnough(run) {
                throw .invalidParameter("Run \(id) is not older than the required age. "
                    + "Only runs older than \(olderThanText) can be deleted.")
            }
            chosen.append(run)
        }
        return chosen
    }

    private mutating func chooseLoggedModels() throws(MLflowError) -> [GarbageCollectionInventory.LoggedModel] {
        let cutoff = request.cutoff
        guard let named = request.loggedModelIds else {
            return inventory.loggedModels.filter { model in
                guard model.lifecycleStage == .deleted else { return false }
                if model.lastUpdatedTime <= cutoff { return true }
                result.kept.append(.init(kind: .loggedModel, id: model.modelId, reason: tooRecent))
                return false
            }
        }
        var chosen: [GarbageCollectionInventory.LoggedModel] = []
        for id in Self.unique(named) {
            guard let model = inventory.loggedModels.first(where: { $0.modelId == id }) else {
                throw .notFound("Logged model with ID '\(id)' not found.")
            }
            guard model.lifecycleStage == .deleted else {
                throw .invalidParameter("Logged model \(id) is not in `deleted` lifecycle stage. "
                    + "Only logged models in `deleted` lifecycle stage can be deleted.")
            }
            if request.olderThan != nil, model.lastUpdatedTime > cutoff {
                throw .invalidParameter("Logged model \(id) is not older than the required age. "
                    + "Only logged models older than \(olderThanText) can be deleted.")
            }
            chosen.append(model)
        }
        return chosen
    }

    // MARK: - Protection by the registry

    /// The first version that names the run (or logged model) by id, or whose source or storage
    /// location names its id as a path segment (`runs:/<id>/model`, `mlflow-artifacts:/1/<id>/artifacts/model`,
    /// `models:/m-...`, their proxy URL spellings) or lies under its artifact location.
    private func protectingVersion(id: String, location: String, isRun: Bool)
        -> GarbageCollectionInventory.VersionReference? {
        if let version = (isRun ? references.byRunId : references.byModelId)[id] ?? references.bySegment[id] {
            return version
        }
        // A location that does not name the id (a custom root): only a walk over the pointers can tell.
        guard !location.split(separator: "/").contains(where: { $0 == id }) else { return nil }
        return inventory.versions.first { version in
            [version.source, version.storageLocation].contains { $0.map { Self.isUnder($0, location) } ?? false }
        }
    }

    private static func isUnder(_ pointer: String, _ location: String) -> Bool {
        var root = location
        while root.hasSuffix("/") { root.removeLast() }
        guard !root.isEmpty else { return false }
        return pointer == root || pointer.hasPrefix(root + "/")
    }

    private static func pointsTo(_ version: GarbageCollectionInventory.VersionReference) -> String {
        "registered model '\(version.name)' version \(version.version) points to it"
    }

    private var tooRecent: String {
        "deleted less than \(olderThanText) ago"
    }

    private static func unique(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// `['1', '2']`, as MLflow's messages print a list of ids.
    private static func pythonList(_ ids: [String]) -> String {
        "[" + ids.map { "'\($0)'" }.joined(separator: ", ") + "]"
    }
}

/// The model versions by what they point to, the first (by name, then version) winning: lookups
/// stay constant-time however many runs and versions a store holds.
private struct VersionIndex {
    var byRunId: [String: GarbageCollectionInventory.VersionReference] = [:]
    var byModelId: [String: GarbageCollectionInventory.VersionReference] = [:]
    /// Every path segment of every source and storage location.
    var bySegment: [String: GarbageCollectionInventory.VersionReference] = [:]

    init(_ versions: [GarbageCollectionInventory.VersionReference]) {
        for version in versions {
            if let runId = version.runId, byRunId[runId] == nil { byRunId[runId] = version }
            if let modelId = version.modelId, byModelId[modelId] == nil { byModelId[modelId] = version }
            for pointer in [version.source, version.storageLocation].compactMap({ $0 }) {
                for segment in pointer.split(separator: "/") where bySegment[String(segment)] == nil {
                    bySegment[String(segment)] = version
                }
            }
        }
    }
}
