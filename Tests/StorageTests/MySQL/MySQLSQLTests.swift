@testable import SQL
@testable import MySQLEngine
import Testing
@testable import Storage
import TrackingCore

/// Quoting of the reserved word `key` for MySQL; needs no server.
@Suite("MySQL reserved identifiers")
struct MySQLSQLTests {
    private func rewrite(_ sql: String) -> String { MySQLSQL.quotingReservedIdentifiers(sql) }

    @Test func quotesBareLowercaseKey() {
        #expect(rewrite("SELECT key, value FROM tags WHERE key = ?") == "SELECT `key`, value FROM tags WHERE `key` = ?")
        #expect(rewrite("key") == "`key`")
        #expect(rewrite("(key)") == "(`key`)")
        #expect(rewrite("ORDER BY t.key") == "ORDER BY t.`key`")
        #expect(rewrite("INSERT INTO params (key,value) VALUES (?,?)") == "INSERT INTO params (`key`,value) VALUES (?,?)")
    }

    @Test func leavesKeywordsAndLongerWordsAlone() {
        let ddl = "CREATE TABLE tags (key VARCHAR(250) NOT NULL, PRIMARY KEY (key, run_uuid))"
        #expect(rewrite(ddl) == "CREATE TABLE tags (`key` VARCHAR(250) NOT NULL, PRIMARY KEY (`key`, run_uuid))")
        #expect(rewrite("ON DUPLICATE KEY UPDATE value = VALUES(value)") == "ON DUPLICATE KEY UPDATE value = VALUES(value)")
        #expect(rewrite("SELECT tag_key, keys, key_id, mykey, key2, $key, Key FROM t")
            == "SELECT tag_key, keys, key_id, mykey, key2, $key, Key FROM t")
    }

    @Test func leavesQuotedTextAndCommentsAlone() {
        #expect(rewrite("SELECT 'key', key") == "SELECT 'key', `key`")
        #expect(rewrite("SELECT `key` FROM t") == "SELECT `key` FROM t")
        #expect(rewrite("SELECT \"key\", key") == "SELECT \"key\", `key`")
        #expect(rewrite("SELECT 'it''s key', key") == "SELECT 'it''s key', `key`")
        #expect(rewrite("SELECT 'it\\'s key', key") == "SELECT 'it\\'s key', `key`")
        #expect(rewrite("SELECT key -- don't key\n, key") == "SELECT `key` -- don't key\n, `key`")
        #expect(rewrite("SELECT /* key's */ key # key\n") == "SELECT /* key's */ `key` # key\n")
        #expect(rewrite("SELECT a--key\n") == "SELECT a--`key`\n")
    }

    @Test func unicodeSurvives() {
        #expect(rewrite("SELECT 'clé 🔑 key', key AS naïve") == "SELECT 'clé 🔑 key', `key` AS naïve")
        #expect(rewrite("SELECT ékey, keyé") == "SELECT ékey, keyé")
    }

    @Test func unterminatedQuoteSwallowsTheRest() {
        #expect(rewrite("SELECT 'open key") == "SELECT 'open key")
    }
}

/// Reading connection settings from a `mysql://` URI; needs no server.
@Suite("MySQL connect options")
struct MySQLConnectOptionsTests {
    private func options(_ text: String) throws -> MySQLConnectOptions {
        try MySQLConnectOptions(uri: try DatabaseURI(text))
    }

    @Test func defaults() throws {
        let parsed = try options("mysql://u:secret@db.example/tracking")
        #expect(parsed.host == "db.example")
        #expect(parsed.port == 3306)
        #expect(parsed.tls == nil)
        #expect(parsed.target == "db.example:3306/tracking as 'u'")
        #expect(!parsed.target.contains("secret"))
    }

    @Test func tlsModes() throws {
        #expect(try options("mysql://u@h/d?ssl_mode=REQUIRED").tls == .required)
        #expect(try options("mysql://u@h/d?ssl=true").tls == .required)
        #expect(try options("mysql://u@h/d?ssl=false").tls == .disabled)
        #expect(try options("mysql://u@h/d?ssl_mode=verify_identity").requiresTLS)
        // A CA file alone means: verify the server against it.
        #expect(try options("mysql://u@h/d?ssl_ca=/ca.pem").tls == .verifyCA)
        #expect(try options("mysql+pymysql://u@h/d?charset=utf8mb4").tls == nil)
    }

    @Test func refusesWhatItDoesNotUnderstand() {
        #expect(throws: MLflowError.self) { try options("mysql://u@h/d?sslmode=require") }
        #expect(throws: MLflowError.self) { try options("mysql://u@h/d?ssl_mode=sometimes") }
        #expect(throws: MLflowError.self) { try options("mysql://u@h/d?ssl_mode=verify_ca") }
        #expect(throws: MLflowError.self) { try options("mysql://u@h/d?ssl_cert=/c.pem") }
        #expect(throws: MLflowError.self) { try options("mysql://u@h/d?charset=latin1") }
    }
}
