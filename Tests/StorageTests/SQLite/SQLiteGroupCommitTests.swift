import Dispatch
import Foundation
@testable import SQL
@testable import SQLiteEngine
import Synchronization
import Testing
@testable import Storage
import TrackingCore

@Suite("SQLite group commit")
struct SQLiteGroupCommitTests {
    private struct Refused: Error, Equatable {}

    private func connection() throws -> (SQLiteConnection, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrack-gc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let connection = try SQLiteConnection(path: directory.appendingPathComponent("t.db").path)
        try connection.executeScript("CREATE TABLE t (v TEXT PRIMARY KEY)")
        return (connection, directory)
    }

    private func values(_ connection: SQLiteConnection) throws -> [String] {
        try connection.query("SELECT v FROM t ORDER BY v", []) { $0.string(0) }
    }

    private func insert(_ value: String, thenThrow: Bool = false) -> SQLiteWrite {
        SQLiteWrite { connection in
            try connection.execute("INSERT INTO t (v) VALUES (?)", [.text(value)])
            if thenThrow { throw Refused() }
        }
    }

    @Test func aFailingWriteIsRolledBackAloneAndKeepsItsError() throws {
        let (connection, directory) = try connection()
        defer { try? FileManager.default.removeItem(at: directory) }
        let batch = [insert("a"), insert("b", thenThrow: true), insert("c"), insert("a")]
        connection.run(batch)
        #expect(try values(connection) == ["a", "c"])
        #expect(batch[0].error == nil)
        #expect(batch[1].error as? Refused == Refused())
        #expect(batch[2].error == nil)
        #expect(batch[3].error is SQLConstraintViolation)
        #expect(!connection.isInTransaction)
    }

    @Test func anErrorThatEndsTheTransactionFailsTheWritesBeforeIt() throws {
        let (connection, directory) = try connection()
        defer { try? FileManager.default.removeItem(at: directory) }
        // As SQLite does on a full disk or an I/O error: the whole transaction is gone.
        let endsTransaction = SQLiteWrite { connection in
            try connection.executeScript("ROLLBACK")
            throw Refused()
        }
        let batch = [insert("a"), endsTransaction, insert("c")]
        connection.run(batch)
        #expect(try values(connection) == ["c"])
        #expect(batch[0].error as? Refused == Refused())
        #expect(batch[1].error as? Refused == Refused())
        #expect(batch[2].error == nil)
    }

    @Test func concurrentWritersEachGetTheirOwnAnswerAndNothingIsLost() throws {
        let database = try SQLiteDatabase.temporary()
        try database.withConnection { try $0.execute("CREATE TABLE t (v TEXT PRIMARY KEY)", []) }
        let threads = 32, writesEach = 40
        let answers = Mutex<[String]>([])
        let refusals = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in 0..<writesEach {
                let value = "\(thread)-\(index)"
                do {
                    let answer = try database.write { connection -> String in
                        try connection.execute("INSERT INTO t (v) VALUES (?)", [.text(value)])
                        if index % 7 == 3 { throw Refused() }
                        return try connection.queryFirst("SELECT v FROM t WHERE v = ?", [.text(value)]) { $0.string(0) } ?? ""
                    }
                    #expect(answer == value)
                    answers.withLock { $0.append(answer) }
                } catch {
                    #expect(error as? Refused == Refused())
                    refusals.withLock { $0 += 1 }
                }
            }
        }
        let refusedEach = (0..<writesEach).filter { $0 % 7 == 3 }.count
        #expect(refusals.withLock { $0 } == threads * refusedEach)
        let stored = try database.read { try $0.query("SELECT v FROM t", []) { $0.string(0) } }
        #expect(Set(stored) == Set(answers.withLock { $0 }))
        #expect(stored.count == threads * (writesEach - refusedEach))
        // The writer counted every write (refused ones too) and how many transactions carried them.
        let totals = database.writerStatistics
        #expect(totals.writes == threads * writesEach)
        #expect(totals.batches >= (threads * writesEach) / SQLiteGroupCommit.maxBatch && totals.batches <= totals.writes)
        #expect(totals.busySeconds > 0)
    }
}

@Suite("SQLite background checkpoint")
struct SQLiteCheckpointerTests {
    /// Below the writer's own checkpoint threshold, only the background checkpointer copies
    /// the log's pages into the database file, so the file grows without anyone asking.
    @Test func theLogIsFoldedBackWithoutACheckpointOnTheWritePath() throws {
        let database = try SQLiteDatabase.temporary()
        let file = database.path
        let size = { (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0 }
        try database.withConnection { try $0.execute("CREATE TABLE t (v TEXT)", []) }
        let before = size()
        let payload = String(repeating: "x", count: 1_000)
        for index in 0..<400 {
            try database.write { try $0.execute("INSERT INTO t (v) VALUES (?)", [.text("\(index)\(payload)")]) }
        }
        #expect(400 < SQLiteConnection.backstopCheckpointPages)
        let deadline = Date().addingTimeInterval(5)
        while size() < 300_000, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(before < 100_000)
        #expect(size() >= 300_000)
    }
}
