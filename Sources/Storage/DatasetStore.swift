public import TrackingCore

/// MLflow 3's evaluation datasets (`/api/3.0/mlflow/datasets/...`): datasets linked to experiments,
/// their tags, and records kept one per distinct inputs. Engines implement it beside
/// `TrackingStore`, one transaction per call, failures thrown as `MLflowError` with MLflow's words.
public protocol DatasetStore: Sendable {
    /// A new dataset (`d-<hex>`), its tags (the `mlflow.user` tag's value is its author), linked to
    /// existing experiments (404 for an unknown one). Names need not be unique, as in MLflow.
    func createDataset(name: String, experimentIds: [String], tags: [DatasetTag]) throws -> EvaluationDataset
    /// MLflow's 404 "Evaluation dataset with id '<id>' not found." for an unknown id; experiment ids not read.
    func getDataset(id: String) throws -> EvaluationDataset
    /// Deletes the dataset with its tags, records and links; an unknown id is no error, as in MLflow.
    func deleteDataset(id: String) throws
    func searchDatasets(_ query: DatasetSearchQuery) throws -> Page<EvaluationDataset>
    /// Sets tags (a nil value is passed over, as MLflow does); 404 for an unknown dataset.
    func setDatasetTags(id: String, tags: [DatasetTag]) throws
    /// Deletes a tag; an unknown dataset or tag is no error, as in MLflow.
    func deleteDatasetTag(id: String, key: String) throws
    /// Merges records by their inputs (`DatasetRecordMergePlan`), then the dataset's schema, profile,
    /// digest and last update; concurrent upserts to one dataset queue on its row. 404 for an unknown dataset.
    func upsertDatasetRecords(id: String, records: [DatasetRecordInput]) throws -> DatasetUpsertResult
    /// A page of records in (created time, id) order; the token is MLflow's base64 `created_time:id`
    /// cursor (a plain offset is taken too, as MLflow does). 404 for an unknown dataset.
    func datasetRecords(id: String, maxResults: Int, pageToken: String?) throws -> Page<DatasetRecord>
    /// Deletes the records named (others' ids are passed over) and returns how many went.
    func deleteDatasetRecords(id: String, recordIds: [String]) throws -> Int
    /// The linked experiments, in id order; nil for an unknown dataset (for access checks and
    /// `experiment-ids`, which answers an unknown one with none, as MLflow does).
    func datasetExperimentIds(id: String) throws -> [String]?
    /// Links existing experiments (404 for an unknown one, or an unknown dataset); each link once.
    func addDatasetToExperiments(id: String, experimentIds: [String]) throws -> EvaluationDataset
    /// Unlinks experiments (those not linked are passed over); 404 for an unknown dataset.
    func removeDatasetFromExperiments(id: String, experimentIds: [String]) throws -> EvaluationDataset
}

/// Parameters of datasets/search.
public struct DatasetSearchQuery: Sendable {
    /// Only datasets linked to one of these experiments; all when empty.
    public var experimentIds: [String]
    public var filter: String
    public var maxResults: Int
    public var orderBy: [String]
    public var pageToken: String?
    /// With access control, the experiments the caller may read: a dataset is found when one of its
    /// experiments is among them (so one linked to none is found only with `.all`).
    public var visibleExperiments: IdentifierFilter

    public init(experimentIds: [String] = [], filter: String = "", maxResults: Int = DatasetLimits.defaultSearchResults,
                orderBy: [String] = [], pageToken: String? = nil, visibleExperiments: IdentifierFilter = .all) {
        self.experimentIds = experimentIds
        self.filter = filter
        self.maxResults = maxResults
        self.orderBy = orderBy
        self.pageToken = pageToken
        self.visibleExperiments = visibleExperiments
    }
}
