@testable import PostgreSQLEngine
import Testing
@testable import Storage

/// `?` -> `$n` rewriting; needs no server.
@Suite("PostgreSQL placeholders")
struct PostgresPlaceholderTests {
    private func rewrite(_ sql: String) -> String { PostgresPlaceholders.rewrite(sql).sql }

    @Test func numbersPlaceholdersInOrder() {
        let rewritten = PostgresPlaceholders.rewrite("SELECT a FROM t WHERE b = ? AND c IN (?, ?) LIMIT ?")
        #expect(rewritten.sql == "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3) LIMIT $4")
        #expect(rewritten.count == 4)
    }

    @Test func leavesQuotedTextAndCommentsAlone() {
        #expect(rewrite("SELECT '?', ? FROM t") == "SELECT '?', $1 FROM t")
        #expect(rewrite("SELECT 'it''s ?', ?") == "SELECT 'it''s ?', $1")
        #expect(rewrite("SELECT \"what?\" FROM t WHERE x = ?") == "SELECT \"what?\" FROM t WHERE x = $1")
        #expect(rewrite("SELECT ? -- why?\n, ?") == "SELECT $1 -- why?\n, $2")
        #expect(rewrite("SELECT /* ? /* nested ? */ ? */ ?") == "SELECT /* ? /* nested ? */ ? */ $1")
        #expect(rewrite("SELECT E'\\'?', ?") == "SELECT E'\\'?', $1")
        #expect(rewrite("SELECT $$?$$, $tag$ ? $tag$, ?") == "SELECT $$?$$, $tag$ ? $tag$, $1")
    }

    @Test func backslashIsPlainInStandardStrings() {
        // standard_conforming_strings: '\' is a one-character string, so the ? after it is a placeholder.
        #expect(rewrite("SELECT '\\', ?") == "SELECT '\\', $1")
    }

    @Test func unicodeSurvives() {
        #expect(rewrite("SELECT 'héllo 🌍' || ? AS \"naïve?\"") == "SELECT 'héllo 🌍' || $1 AS \"naïve?\"")
    }

    @Test func unterminatedQuoteSwallowsTheRest() {
        #expect(PostgresPlaceholders.rewrite("SELECT 'open ?").count == 0)
    }
}
