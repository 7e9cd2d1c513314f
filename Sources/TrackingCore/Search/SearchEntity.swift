/// What a search key names: a run's metric, param, tag, attribute or dataset (experiments: attribute, tag).
public enum SearchEntity: String, Sendable, Equatable, Hashable {
    case metric
    case param
    case tag
    case attribute
    case dataset

    /// The entity's name in MLflow's messages (`parameter`, not `param`).
    public var mlflowName: String {
        switch self {
        case .metric: return "metric"
        case .param: return "parameter"
        case .tag: return "tag"
        case .attribute: return "attribute"
        case .dataset: return "dataset"
        }
    }
}
