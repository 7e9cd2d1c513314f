import Testing
import Auth
import TrackingCore

@Suite("INI files")
struct INIFileTests {
    @Test func readsMLflowsBasicAuthFile() throws {
        let file = try INIFile(parsing: """
            [mlflow]
            default_permission = READ
            database_uri = sqlite:///basic_auth.db
            # a comment
            ; another
            Admin_Username: admin
            admin_password =
            [swiftrack]
            protected_stages = Production, Staging
            """)
        #expect(file.value("mlflow", "default_permission") == "READ")
        #expect(file.value("mlflow", "database_uri") == "sqlite:///basic_auth.db")
        #expect(file.value("mlflow", "admin_username") == "admin")
        #expect(file.value("mlflow", "admin_password") == "")
        #expect(file.value("swiftrack", "PROTECTED_STAGES") == "Production, Staging")
        #expect(file.value("mlflow", "missing") == nil)
        #expect(file.value("nope", "default_permission") == nil)
    }

    @Test func malformedLinesAreRefusedWithTheirLineNumber() {
        #expect(throws: MLflowError.invalidParameter("auth.ini, line 1: a setting before any [section]")) {
            try INIFile(parsing: "key = value", source: "auth.ini")
        }
        #expect(throws: MLflowError.invalidParameter("auth.ini, line 2: expected 'key = value'")) {
            try INIFile(parsing: "[mlflow]\njust words", source: "auth.ini")
        }
        #expect(throws: MLflowError.invalidParameter("auth.ini, line 1: malformed section header '[mlflow'")) {
            try INIFile(parsing: "[mlflow", source: "auth.ini")
        }
    }
}
