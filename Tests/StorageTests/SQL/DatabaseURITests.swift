@testable import SQL
import Testing
@testable import Storage
import TrackingCore

@Suite("Database URIs")
struct DatabaseURITests {
    @Test func sqliteRelativeAndAbsolute() throws {
        #expect(try DatabaseURI("sqlite:///mlruns/mlflow.db").path == "mlruns/mlflow.db")
        #expect(try DatabaseURI("sqlite:////var/lib/st.db").path == "/var/lib/st.db")
        #expect(try DatabaseURI("sqlite:///mlruns/mlflow.db").engine == .sqlite)
        #expect(throws: MLflowError.self) { try DatabaseURI("sqlite:///") }
        #expect(throws: MLflowError.self) { try DatabaseURI("sqlite://relative.db") }
    }

    @Test func postgresWithMLflowDriverSpellings() throws {
        for scheme in ["postgresql", "postgres", "postgresql+psycopg2", "postgresql+pg8000"] {
            let uri = try DatabaseURI("\(scheme)://alice:s%40cret%3A1@db.example:6543/tracking?sslmode=require&sslrootcert=/ca.pem")
            #expect(uri.engine == .postgresql)
            #expect(uri.user == "alice")
            #expect(uri.password == "s@cret:1")
            #expect(uri.host == "db.example")
            #expect(uri.port == 6543)
            #expect(uri.database == "tracking")
            #expect(uri.option("sslmode") == "require")
            #expect(uri.option("sslrootcert") == "/ca.pem")
        }
    }

    @Test func mysqlWithoutPortOrPassword() throws {
        let uri = try DatabaseURI("mysql+pymysql://bob@127.0.0.1/mlflow")
        #expect(uri.engine == .mysql)
        #expect(uri.user == "bob")
        #expect(uri.password == nil)
        #expect(uri.port == nil)
        #expect(uri.database == "mlflow")
        #expect(try DatabaseURI("mariadb://u:p@[::1]:3307/x").host == "::1")
        #expect(try DatabaseURI("mariadb://u:p@[::1]:3307/x").port == 3307)
    }

    @Test func badURIsAreRefusedWithoutThePassword() {
        for text in ["mongodb://u:hunter2@h/db", "postgresql://u:hunter2@h:99999/db", "postgresql://u:hunter2@h/",
                     "no-scheme"] {
            do {
                _ = try DatabaseURI(text)
                Issue.record("accepted \(text)")
            } catch let error as MLflowError {
                #expect(!error.message.contains("hunter2"))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        #expect(DatabaseURI.redacted("postgresql://u:hunter2@h/db") == "postgresql://u:***@h/db")
        #expect(DatabaseURI.redacted("sqlite:///x.db") == "sqlite:///x.db")
    }
}
