import API
import HTTPTransport
import WebUI

/// `swiftrack server`'s browser UI: which one answers `/` and `/static-files/...`.
extension ServerOptions {
    enum UIChoice: String {
        /// Swiftrack's own UI, embedded in the binary (web/, WebUI target): the default.
        case builtin
        /// MLflow's prebuilt UI from the installed mlflow wheel (or `--mlflow-ui-dir`).
        case mlflow
        /// No UI: `/` is a 404, as with `mlflow server --app-name` apps that have none.
        case none
    }

    static let uiFlags: Set<String> = ["ui", "mlflow-ui-dir"]

    static let uiHelp = """
          --ui UI                      the browser UI at /: builtin (Swiftrack's own, in the binary),
                                       mlflow (the prebuilt UI of the installed mlflow wheel) or none
                                       (default builtin)
                                       env SWIFTRACK_UI
          --mlflow-ui-dir DIR          MLflow's built UI folder (mlflow/server/js/build); found in the
                                       active virtualenv, ./.venv, beside each python3 on PATH, or the
                                       system's site-packages when not given
                                       env SWIFTRACK_MLFLOW_UI_DIR
        """

    /// The UI to serve; a missing folder is a usage error before anything starts.
    func webSite(_ arguments: Arguments, environment: [String: String]) throws(UsageError) -> (any WebSite)? {
        let text = arguments.value("ui", environment: environment, variables: ["SWIFTRACK_UI"]) ?? "builtin"
        guard let choice = UIChoice(rawValue: text.lowercased()) else {
            throw UsageError("--ui must be builtin, mlflow or none, got '\(text)'")
        }
        switch choice {
        case .none:
            return nil
        case .builtin:
            return EmbeddedWebSite()
        case .mlflow:
            let given = arguments.value("mlflow-ui-dir", environment: environment, variables: ["SWIFTRACK_MLFLOW_UI_DIR"])
            guard let folder = given ?? DirectoryWebSite.findInstalledMLflowUI(environment: environment) else {
                let places = DirectoryWebSite.mlflowUISearchedPlaces(environment: environment)
                throw UsageError("--ui mlflow: no installed mlflow wheel with its UI was found (pip install mlflow, "
                                 + "or name the folder with --mlflow-ui-dir .../mlflow/server/js/build). Looked in:\n  "
                                 + places.joined(separator: "\n  "))
            }
            guard let site = DirectoryWebSite(root: folder) else {
                throw UsageError("--mlflow-ui-dir \(folder) holds no index.html: not a built MLflow UI")
            }
            return site
        }
    }
}
