import Testing
import Auth
import Crypto

@Suite("Password hashes")
struct PasswordHashTests {
    @Test func madeHashesVerifyAndAreSaltedInWerkzeugForm() {
        let first = PasswordHash.make("correct horse battery", iterations: 1_000)
        let second = PasswordHash.make("correct horse battery", iterations: 1_000)
        #expect(first != second)
        let parts = first.split(separator: "$")
        #expect(parts.count == 3)
        #expect(parts[0] == "pbkdf2:sha256:1000")
        #expect(parts[1].count == 16)
        #expect(parts[2].count == 64)
        #expect(PasswordHash.verify("correct horse battery", against: first))
        #expect(!PasswordHash.verify("correct horse batterY", against: first))
        #expect(!PasswordHash.verify("", against: first))
        #expect(PasswordHash.make("x").hasPrefix("pbkdf2:sha256:600000$"))
    }

    /// Hashes written by werkzeug (MLflow's auth database), computed with Python's hashlib.
    @Test func werkzeugHashesVerify() {
        #expect(PasswordHash.verify("password1234", against: Self.pythonPBKDF2))
        #expect(!PasswordHash.verify("password1235", against: Self.pythonPBKDF2))
        #expect(PasswordHash.verify("password1234", against: Self.pythonScrypt))
        #expect(!PasswordHash.verify("password1235", against: Self.pythonScrypt))
    }

    @Test func unreadableHashesNeverVerify() {
        for stored in ["", "plain", "md5$salt$abc", "pbkdf2:sha1:1000$s$00", "pbkdf2:sha256:0$s$00",
                       "pbkdf2:sha256:x$s$00", "scrypt:99999999:8:1$s$00", "pbkdf2:sha256:1000$s$"] {
            #expect(!PasswordHash.verify("password1234", against: stored))
        }
    }

    @Test func constantTimeEqualityComparesWholeArrays() {
        #expect(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equal([1, 2], [1, 2, 3]))
        #expect(ConstantTime.equal([], []))
    }

    static let pythonPBKDF2 = "pbkdf2:sha256:1000$abcdefghijklmnop$3417dfe21fef2ab241eeca09b8ddf2d3c2cfea4cb97ba8e5fd39aabd39087220"
    static let pythonScrypt = "scrypt:16384:8:1$ABCDEFGHIJKLMNOP$"
        + "fb32d33efba38574979cbbd5ff88519c9b0fe0dcb5aaf2b1141f093d081de67db6300ac4a7efac12e5190ddb1b922d24db89ed808dfe6272a2ade1637030d0fe"
}
