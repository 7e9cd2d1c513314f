/// A model version's stage, as MLflow spells it (`None`, `Staging`, `Production`, `Archived`).
public enum ModelStage: String, Sendable, Equatable, CaseIterable {
    case none = "None"
    case staging = "Staging"
    case production = "Production"
    case archived = "Archived"

    /// The stages whose existing versions `archive_existing_versions` may archive.
    public static let active: [ModelStage] = [.staging, .production]

    /// MLflow's `get_canonical_stage`: case-insensitive, with its message for anything else.
    public static func canonical(_ text: String) throws(MLflowError) -> ModelStage {
        let key = text.lowercased()
        guard let stage = allCases.first(where: { $0.rawValue.lowercased() == key }) else {
            throw .invalidParameter("Invalid Model Version stage: \(text). Value must be one of "
                + allCases.map(\.rawValue).joined(separator: ", ") + ".")
        }
        return stage
    }
}
