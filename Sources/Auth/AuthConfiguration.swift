import TrackingCore

/// The `[mlflow]` section of MLflow's `basic_auth.ini`, with its environment overrides:
/// `MLFLOW_AUTH_CONFIG_PATH` names the file (read by the caller), `MLFLOW_AUTH_ADMIN_USERNAME`
/// and `MLFLOW_AUTH_ADMIN_PASSWORD` win over the file whenever they are set, even when empty.
public struct AuthConfiguration: Sendable, Equatable {
    public var defaultPermission: Permission = .read
    public var databaseURI = "sqlite:///basic_auth.db"
    public var adminUsername: String? = "admin"
    public var adminPassword: String?
    /// Swiftrack's own `[swiftrack]` settings: protected stages and aliases, the governance role.
    public var promotion = PromotionPolicy()

    /// MLflow's old default, refused for a new admin and for an admin's sign-in.
    public static let insecureDefaultPassword = "password1234"

    public init() {}

    /// Reads the file's settings over the defaults, then the environment's.
    public init(file: INIFile?, environment: [String: String], source: String = "the auth configuration") throws {
        if let file {
            guard file.sections["mlflow"] != nil else {
                throw MLflowError.invalidParameter("\(source) has no [mlflow] section")
            }
            if let level = file.value("mlflow", "default_permission") {
                guard let permission = Permission(rawValue: level) else {
                    throw MLflowError.invalidParameter("\(source): default_permission '\(level)' is not one of "
                        + Permission.allCases.map(\.rawValue).joined(separator: ", "))
                }
                defaultPermission = permission
            }
            if let uri = file.value("mlflow", "database_uri") { databaseURI = uri }
            if let username = file.value("mlflow", "admin_username") { adminUsername = username }
            if let password = file.value("mlflow", "admin_password") { adminPassword = password }
            if let function = file.value("mlflow", "authorization_function"),
               function != "mlflow.server.auth:authenticate_request_basic_auth" {
                throw MLflowError.invalidParameter("\(source): authorization_function '\(function)' is not supported; "
                    + "Swiftrack authenticates with Basic auth against its user store")
            }
        }
        if let stages = file?.value("swiftrack", "protected_stages") { promotion.protectedStages = PromotionPolicy.names(stages) }
        if let aliases = file?.value("swiftrack", "protected_aliases") {
            promotion.protectedAliases = PromotionPolicy.names(aliases)
        }
        if let role = file?.value("swiftrack", "governance_role"), !role.isEmpty { promotion.governanceRole = role }
        if let username = environment["MLFLOW_AUTH_ADMIN_USERNAME"] { adminUsername = username }
        if let password = environment["MLFLOW_AUTH_ADMIN_PASSWORD"] { adminPassword = password }
        if adminUsername?.isEmpty == true { adminUsername = nil }
        if adminPassword?.isEmpty == true { adminPassword = nil }
    }

    /// Creates the admin user on first start (MLflow's `create_admin_user`); an existing one is
    /// left alone. Refuses to start without a name, or without a usable password for a new admin.
    public func bootstrapAdmin(_ store: AuthStore) throws {
        guard let username = adminUsername else {
            throw MLflowError.invalidParameter("Authentication needs a username for the admin user, but none is "
                + "configured (admin_username in the auth configuration, or MLFLOW_AUTH_ADMIN_USERNAME).")
        }
        if try store.user(named: username) != nil { return }
        guard let password = adminPassword else {
            throw MLflowError.invalidParameter("Authentication needs a password to create the admin user '\(username)', "
                + "but none is configured (admin_password, or MLFLOW_AUTH_ADMIN_PASSWORD). There is no default password.")
        }
        guard password != Self.insecureDefaultPassword else {
            throw MLflowError.invalidParameter("Refusing to use the insecure default password for the admin user "
                + "'\(username)'; configure another one.")
        }
        do {
            try store.createUser(username: username, password: password, isAdmin: true)
        } catch let error as MLflowError where error.code == .resourceAlreadyExists {
            return   // another replica created it first
        } catch let error as MLflowError {
            throw MLflowError.invalidParameter("The configured password for the admin user '\(username)' is invalid: "
                                               + error.message)
        }
    }
}
